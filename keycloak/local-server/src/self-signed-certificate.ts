import { type KeyObject, sign } from 'node:crypto';

const derLength = (length: number): Buffer => {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};

const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};

const sequence = (...content: Buffer[]) => der(0x30, ...content);

const positiveInteger = (value: bigint): Buffer => {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};

const utcTime = (date: Date): Buffer =>
  der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'ascii'));

const commonName = (cn: string): Buffer =>
  sequence(
    der(
      0x31,
      sequence(der(0x06, Buffer.from([0x55, 0x04, 0x03])), der(0x0c, Buffer.from(cn, 'utf8'))),
    ),
  );

// sha256WithRSAEncryption, 1.2.840.113549.1.1.11, with NULL parameters.
const SHA256_WITH_RSA = sequence(
  der(0x06, Buffer.from('2a864886f70d01010b', 'hex')),
  Buffer.from([0x05, 0x00]),
);

const TEN_YEARS_MS = 10 * 365.25 * 24 * 3600 * 1000;

/**
 * A self-signed X.509 v1 certificate for `CN=<commonName>` over the key pair, like the one
 * Keycloak's generated RSA key providers publish in `x5c` (facts §4.1). Returns DER bytes.
 */
export function selfSignedCertificate(
  commonNameValue: string,
  publicKey: KeyObject,
  privateKey: KeyObject,
  now = new Date(),
): Buffer {
  const name = commonName(commonNameValue);
  const tbs = sequence(
    positiveInteger(BigInt(now.getTime())),
    SHA256_WITH_RSA,
    name,
    sequence(
      utcTime(new Date(Math.floor(now.getTime() / 1000) * 1000)),
      utcTime(new Date(now.getTime() + TEN_YEARS_MS)),
    ),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0]), signature));
}
