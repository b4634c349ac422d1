import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A self-signed certificate valid one day, made by openssl in a fresh temporary folder (removed by
 * the caller): for TLS servers that tests and benchmarks start and must be trusted explicitly.
 * `subjectAltName` like "DNS:localhost,IP:127.0.0.1"; without it, only the common name.
 */
export function selfSignedCertificate(commonName: string, subjectAltName?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "self-signed-"));
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${commonName}`],
      ...(subjectAltName ? ["-addext", `subjectAltName=${subjectAltName}`] : []),
      ...["-keyout", keyFile, "-out", certFile],
    ],
    { stdio: "ignore" },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}
