// The local stack's TLS mode (STACK_TLS=true when the stack is first created): a certificate authority of its own and
// one server certificate for 127.0.0.1/localhost, made with openssl in <stack>/tls. Every server presents it, every
// client verifies it against the CA (PostgreSQL sslmode=verify-full, the cold store tlsCAFile, Kafka's truststore).
// A stack keeps the mode it was created with: the CA's presence is the record of it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from './processes.ts';
import type { StackSettings } from './settings.ts';

export interface StackTls {
  dir: string;
  /** The CA certificate (PEM) clients trust. */
  caFile: string;
  /** The server's certificate and key (PEM), for PostgreSQL and the cold store. */
  certFile: string;
  keyFile: string;
  /** Certificate and key in one PEM file (mongod's --tlsCertificateKeyFile). */
  certKeyFile: string;
  /** The server's key and certificate as a PKCS12 keystore for Kafka, with its password. */
  keystoreFile: string;
  keystorePassword: string;
}

/** Where a TLS stack's certificates are (made by ensureStackTls). */
export function stackTls(s: StackSettings, keystorePassword: string): StackTls {
  const dir = join(s.dir, 'tls');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    certKeyFile: join(dir, 'server.pem'),
    keystoreFile: join(dir, 'server.p12'),
    keystorePassword,
  };
}

/** Whether the stack in `s.dir` runs with TLS: chosen by STACK_TLS when it is created, kept for its life. */
export function stackUsesTls(s: StackSettings): boolean {
  if (existsSync(join(s.dir, 'tls', 'ca.crt'))) return true;
  return s.STACK_TLS === true && !existsSync(s.dataDir);
}

/** Refuses a switch of mode on an existing stack: its servers' data and Kafka's users were made for the other. */
export function assertTlsModeKept(s: StackSettings): void {
  const created = existsSync(s.dataDir);
  const tls = existsSync(join(s.dir, 'tls', 'ca.crt'));
  if (created && s.STACK_TLS === true && !tls) {
    throw new ComponentError(
      'tls',
      `STACK_TLS=true, but the stack in ${s.dir} was created without TLS; wipe it first (npm run stack:wipe) or choose another STACK_DIR`,
    );
  }
  if (created && s.STACK_TLS === false && tls) {
    throw new ComponentError(
      'tls',
      `STACK_TLS=false, but the stack in ${s.dir} was created with TLS; unset STACK_TLS, or wipe it first (npm run stack:wipe)`,
    );
  }
}

/** The stack's certificates, made on first use (valid ten years; a local stack has no rotation). */
export function ensureStackTls(s: StackSettings, keystorePassword: string, log: (m: string) => void): StackTls {
  const t = stackTls(s, keystorePassword);
  if (existsSync(t.caFile) && existsSync(t.keystoreFile)) return t;
  if (!commandExists('openssl'))
    throw new ComponentError('tls', "openssl is needed to make the TLS stack's certificates (Debian package openssl)");
  log(`tls: making a CA and a server certificate for 127.0.0.1 in ${t.dir}`);
  mkdirSync(t.dir, { recursive: true, mode: 0o700 });
  const ssl = (args: string[]) => run('tls', 'openssl', args, { cwd: t.dir });
  const caKey = join(t.dir, 'ca.key');
  ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    join(t.dir, 'ca.tmp'),
    '-days',
    '3650',
    '-subj',
    '/CN=ticket-archiver local stack CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const ext = join(t.dir, 'server.ext');
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  ssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    t.keyFile,
    '-out',
    join(t.dir, 'server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  ssl([
    'x509',
    '-req',
    '-in',
    join(t.dir, 'server.csr'),
    '-CA',
    join(t.dir, 'ca.tmp'),
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    t.certFile,
    '-days',
    '3650',
    '-extfile',
    ext,
  ]);
  ssl([
    'pkcs12',
    '-export',
    '-in',
    t.certFile,
    '-inkey',
    t.keyFile,
    '-name',
    'server',
    '-out',
    t.keystoreFile,
    '-passout',
    `pass:${keystorePassword}`,
  ]);
  run(
    'tls',
    'sh',
    ['-c', 'cat server.crt server.key > server.pem && chmod 600 server.key server.pem ca.key server.p12'],
    { cwd: t.dir },
  );
  // The CA certificate last: its presence says the set is complete (and that this stack runs with TLS).
  run('tls', 'mv', [join(t.dir, 'ca.tmp'), t.caFile]);
  return t;
}
