// A throw-away test PKI made with `openssl` at test setup, in a temp dir:
//
//   const pki = await makeTestPki();
//   pki.ca            CA certificate (PEM file) that signed all the others
//   pki.valid         server cert for 127.0.0.1, ::1 and localhost, valid now
//   pki.expired       server cert for the same names, expired (2020-01-01 .. 2020-01-02)
//   pki.wrongName     server cert valid now, but only for wrong-name.example
//   pki.client        client cert (CN sipcall-test-client), for mutual TLS
//   await pki.remove();
//
// Keys are EC P-256 (fast to make). The certs are signed with `openssl ca`, which (unlike
// `openssl x509 -req` in OpenSSL 3.0) takes explicit start and end dates, so the expired one
// really is expired rather than faked.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { forgetTempDir, registerTempDir } from './process.js';
import { findCommand } from './require-peer.js';

const run = promisify(execFile);

/** A certificate and its private key, as PEM files. */
export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA certificate (PEM file). */
  ca: string;
  valid: CertFiles;
  expired: CertFiles;
  wrongName: CertFiles;
  client: CertFiles;
  remove(): Promise<void>;
}

const CA_CONFIG = `
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_local ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
[ server_wrong ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong-name.example
[ client ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
`;

/** openssl date format for `openssl ca -startdate/-enddate`. */
function caDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

/** Makes the CA and the four certificates; rejects when openssl is missing or fails. */
export async function makeTestPki(): Promise<TestPki> {
  const openssl = findCommand('openssl');
  if (!openssl) throw new Error('openssl is not installed (Debian package openssl)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-pki-'));
  registerTempDir(dir);
  const ossl = (...args: string[]) => run(openssl, args, { cwd: dir });
  await writeFile(path.join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '1000\n');
  await ossl('version'); // fail early with a clear error
  await mkdir(path.join(dir, 'issued'));

  const key = (name: string) => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  await Promise.all(['ca', 'valid', 'expired', 'wrong', 'client'].map(key));
  await ossl('req', '-config', 'ca.cnf', '-new', '-x509', '-key', 'ca.key', '-subj', '/CN=sipcall test CA', '-days', '2', '-extensions', 'v3_ca', '-out', 'ca.pem');

  const now = Date.now();
  const sign = async (name: string, cn: string, ext: string, from: Date, to: Date): Promise<CertFiles> => {
    await ossl('req', '-config', 'ca.cnf', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    await ossl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', '-extensions', ext, '-startdate', caDate(from), '-enddate', caDate(to));
    return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
  };
  const yesterday = new Date(now - 86_400_000);
  const tomorrow = new Date(now + 86_400_000);
  // one at a time: `openssl ca` rewrites index.txt and serial
  const valid = await sign('valid', '127.0.0.1', 'server_local', yesterday, tomorrow);
  const expired = await sign('expired', '127.0.0.1', 'server_local', new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z'));
  const wrongName = await sign('wrong', 'wrong-name.example', 'server_wrong', yesterday, tomorrow);
  const client = await sign('client', 'sipcall-test-client', 'client', yesterday, tomorrow);

  return {
    dir,
    ca: path.join(dir, 'ca.pem'),
    valid,
    expired,
    wrongName,
    client,
    async remove() {
      await rm(dir, { recursive: true, force: true });
      forgetTempDir(dir);
    },
  };
}
