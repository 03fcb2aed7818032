// Realistic sample tickets for the demo: a mix of open, recently closed and long-closed
// tickets, with bodies of varied size in Chinese, English and emoji. Pure: randomness and clock are injected.

export interface SampleTicket {
  customer_id: number;
  status: 'unassigned' | 'in_progress' | 'closed';
  subject: string;
  body: string;
  created_at: Date;
  last_operated_at: Date;
  last_operator_id: number | null;
  last_operator_group_id: number | null;
}

export interface SampleMix {
  unassigned: number;
  inProgress: number;
  /** Closed less than `coldAfterMs` ago: hot. */
  recentlyClosed: number;
  /** Closed long before `coldAfterMs`: cold. */
  longClosed: number;
}

export const DEFAULT_MIX: SampleMix = { unassigned: 0.15, inProgress: 0.25, recentlyClosed: 0.2, longClosed: 0.4 };

const SUBJECTS = [
  '打印机无法连接',
  'Refund for order',
  '账号被锁定 🔒',
  'Delivery delayed',
  '发票抬头错误',
  'App crashes on login 😡',
  '修改收货地址',
  'Password reset link expired',
];
const PHRASES = [
  '您好，我的订单已经超过一周没有更新物流信息了，请帮忙查询一下。',
  'Hello, I was charged twice for the same subscription this month. ',
  '问题已经复现：点击“提交”按钮后页面一直转圈。',
  'Thanks for the quick reply! 👍 ',
  '客服回复：已为您重新发货，请注意查收。🚚 ',
  'Steps to reproduce: open the app, tap Settings, then Sign out. ',
  '🙏🙏🙏 拜托尽快处理，明天就要用。',
  'Attached the screenshot of the error dialog (code 0x80070005). ',
];

/** A uniform random in [0, 1), injected so a run can be reproduced. */
export type Random = () => number;

/** Deterministic PRNG (mulberry32), for reproducible data sets. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A body of roughly `targetBytes` UTF-8 bytes. */
export function sampleBody(random: Random, targetBytes: number): string {
  let body = '';
  while (Buffer.byteLength(body) < targetBytes) body += pick(random, PHRASES);
  return body;
}

/** Body sizes skewed small: most a few hundred bytes, some up to 20 KB. */
function bodySize(random: Random): number {
  const r = random();
  if (r < 0.7) return 200 + Math.floor(random() * 800);
  if (r < 0.95) return 1000 + Math.floor(random() * 4000);
  return 5000 + Math.floor(random() * 15_000);
}

export function sampleTicket(
  random: Random,
  now: number,
  coldAfterMs: number,
  mix: SampleMix = DEFAULT_MIX,
): SampleTicket {
  const r = random();
  const status: SampleTicket['status'] =
    r < mix.unassigned ? 'unassigned' : r < mix.unassigned + mix.inProgress ? 'in_progress' : 'closed';
  const isCold = status === 'closed' && r >= mix.unassigned + mix.inProgress + mix.recentlyClosed;
  // Closed tickets: recent ones inside [0, coldAfter/2), cold ones between 1.5x and 20x coldAfter ago.
  const age =
    status !== 'closed'
      ? random() * coldAfterMs * 3
      : isCold
        ? coldAfterMs * (1.5 + random() * 18.5)
        : random() * coldAfterMs * 0.5;
  const lastOperatedAt = new Date(now - age);
  const createdAt = new Date(lastOperatedAt.getTime() - random() * 7 * 86_400_000);
  const assigned = status !== 'unassigned';
  return {
    customer_id: 1 + Math.floor(random() * 50_000),
    status,
    subject: pick(random, SUBJECTS),
    body: sampleBody(random, bodySize(random)),
    created_at: createdAt,
    last_operated_at: lastOperatedAt,
    last_operator_id: assigned ? 1 + Math.floor(random() * 500) : null,
    last_operator_group_id: assigned ? 1 + Math.floor(random() * 40) : null,
  };
}
