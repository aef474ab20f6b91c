/// A bring-your-own hierarchy made with openssl the way operators make Linkerd's (SEC1
/// `EC PRIVATE KEY` keys, pathlen-constrained CAs, SKI/AKI), valid for 100 years so the
/// fixture never expires under CI. Test-only key material.
///
///   openssl ecparam -name prime256v1 -genkey -noout -out ca.key
///   openssl req -x509 -new -key ca.key -subj "/CN=root.linkerd.cluster.local" -days 36500 \
///     -addext "basicConstraints=critical,CA:TRUE,pathlen:1" -addext "keyUsage=critical,keyCertSign,cRLSign"
///   openssl ecparam -name prime256v1 -genkey -noout -out issuer.key
///   openssl req -new -key issuer.key -subj "/CN=identity.linkerd.cluster.local" -out issuer.csr
///   openssl x509 -req -in issuer.csr -CA ca.crt -CAkey ca.key -days 36500 -extfile ext.cnf
///     (ext.cnf: CA:TRUE pathlen:0 critical, keyUsage keyCertSign,cRLSign critical, SKI, AKI)
enum OpenSSLFixtures {
    static let anchor = """
-----BEGIN CERTIFICATE-----
MIIBtDCCAVqgAwIBAgIUGbNc0sPDY2bag7RDAP8GRiFZ9pwwCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwacm9vdC5saW5rZXJkLmNsdXN0ZXIubG9jYWwwIBcNMjYxMTIx
MTkzMjI5WhgPMjEyNjEwMjgxOTMyMjlaMCUxIzAhBgNVBAMMGnJvb3QubGlua2Vy
ZC5jbHVzdGVyLmxvY2FsMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7XKvp37b
TUGVP9z4eRg2S3Gx6hec32SL0PVZ0KkqkaLu1pDxtyZYO0iAZ5vmAWONSrEjhsnQ
KsfzjCzp8LguYKNmMGQwHQYDVR0OBBYEFO2I0C0hlVRzp+6BVE38Hp7j3w+xMB8G
A1UdIwQYMBaAFO2I0C0hlVRzp+6BVE38Hp7j3w+xMBIGA1UdEwEB/wQIMAYBAf8C
AQEwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIQDtmeO7hVwD87xb
pPebDUxzAe3CQ0vsrXTNaD1pnhx2RQIgZrKOhjFY407NcjygWy+ea1fj9YTxvG1b
MmYNvfh2P0Y=
-----END CERTIFICATE-----
"""

    static let issuerCertificate = """
-----BEGIN CERTIFICATE-----
MIIBuDCCAV6gAwIBAgIUWZgBTL0KUFWwJLY/E+Nuo//uOn4wCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwacm9vdC5saW5rZXJkLmNsdXN0ZXIubG9jYWwwIBcNMjYxMTIx
MTkzMjI5WhgPMjEyNjEwMjgxOTMyMjlaMCkxJzAlBgNVBAMMHmlkZW50aXR5Lmxp
bmtlcmQuY2x1c3Rlci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ9E
ebwSMPGvHZ33zI2rlikYAOvyJeydrEZoLJLfwIPaR1MyjKKwwvFvwHJKoXVbnQNz
PYgh93L+7YBpvgeODbyjZjBkMBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/
BAQDAgEGMB0GA1UdDgQWBBQ/vYmuXbLD8vR63UjHXIGmZMyLIzAfBgNVHSMEGDAW
gBTtiNAtIZVUc6fugVRN/B6e498PsTAKBggqhkjOPQQDAgNIADBFAiEA89cZDCqy
TUByoNFf7sABFQTKS84ebSHbquUYJOWg1V0CIFtAcLqFJWKFOzYTQyT9Eagl0rlk
SXBgEpX/a9Mpxboq
-----END CERTIFICATE-----
"""

    static let issuerKey = """
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIGQxdoCec/iIZE1v+JmzapsLnJ6DBx3k3I97mI3Nz5q5oAoGCCqGSM49
AwEHoUQDQgAEn0R5vBIw8a8dnffMjauWKRgA6/Il7J2sRmgskt/Ag9pHUzKMorDC
8W/AckqhdVudA3M9iCH3cv7tgGm+B44NvA==
-----END EC PRIVATE KEY-----
"""
}
