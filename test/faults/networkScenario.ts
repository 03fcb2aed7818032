// A network that delays, drops and cuts: the archivers reach both stores through Toxiproxy (faultProxy.ts), which
// delays every reply, then holds all data to one store and then the other (a partition that heals: TCP keeps the
// connections, nothing passes), then cuts every connection with moves in flight. The traffic and the suite's checks
// reach the stores directly.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from './scenarios.ts';

export const networkScenario: Scenario = {
  name: 'network-faults',
  title: "the archivers' connections to both stores delayed, held and cut mid-move (Toxiproxy)",
  component: 'network',
  network: true,
  async inject(ctx) {
    const net = ctx.network;
    if (!net) throw new Error('the network scenario runs with its archivers behind Toxiproxy');
    const both = ['hot', 'cold'];
    await ctx.progress(0.2);
    await net.latency(both, 40, 20);
    await sleep(20_000);
    await net.clear(both);
    ctx.notes.push('40 ± 20 ms on every reply of both stores for 20 s from 20%');
    for (const [store, point] of [
      ['cold', 0.35],
      ['hot', 0.5],
    ] as const) {
      await ctx.progress(point);
      await net.blackhole([store]);
      await sleep(10_000);
      await net.clear([store]);
      ctx.notes.push(`nothing passed to or from the ${store} store for 10 s at ${point * 100}% (connections kept)`);
    }
    await ctx.progress(0.65);
    const inFlight = await ctx.fleet.inFlight();
    await net.cut(both, 5000);
    ctx.notes.push(`every connection to both stores cut with ${inFlight} tickets in flight at 65%, refused for 5 s`);
  },
};
