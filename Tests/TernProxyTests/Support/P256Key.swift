import Crypto
import X509

/// A fresh proxy key in the two forms issuing and installing a leaf need.
struct P256Key {
    let key = P256.Signing.PrivateKey()
    var certificatePublicKey: Certificate.PublicKey { .init(key.publicKey) }
}
