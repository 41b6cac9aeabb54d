//! Short-lived JWT access tokens, HS256 only: `alg: none` and every other
//! algorithm are refused by construction of the validation.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

use super::AuthError;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// User id, as a string per RFC 7519.
    pub sub: String,
    /// Device session (refresh family) id.
    pub sid: String,
    /// The sync peer id bound to this device session.
    pub pid: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn sign(&self, claims: &AccessClaims) -> Result<String, AuthError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AuthError::Internal(format!("cannot sign access token: {e}")))
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::TokenExpired,
                ErrorKind::InvalidSignature => {
                    AuthError::TokenInvalid("its signature does not match this server's key")
                }
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    AuthError::TokenInvalid("it is not signed with HS256")
                }
                _ => AuthError::TokenInvalid("it is not a well-formed Floorwalk access token"),
            })
    }
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    use super::*;

    fn claims(exp_offset: i64) -> AccessClaims {
        let now = crate::storage::now_millis() / 1000;
        AccessClaims {
            sub: "7".into(),
            sid: "s".into(),
            pid: "p".into(),
            iat: now,
            exp: now + exp_offset,
        }
    }

    #[test]
    fn round_trip() {
        let keys = TokenKeys::from_secret(b"k1");
        let token = keys.sign(&claims(60)).expect("sign");
        assert_eq!(keys.verify(&token).expect("verify").sub, "7");
    }

    #[test]
    fn expired_wrong_key_and_alg_none_are_refused() {
        let keys = TokenKeys::from_secret(b"k1");
        let expired = keys.sign(&claims(-5)).expect("sign");
        assert!(matches!(
            keys.verify(&expired),
            Err(AuthError::TokenExpired)
        ));

        let foreign = TokenKeys::from_secret(b"k2")
            .sign(&claims(60))
            .expect("sign");
        assert!(matches!(
            keys.verify(&foreign),
            Err(AuthError::TokenInvalid(_))
        ));

        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(60)).expect("json"));
        let unsigned = format!("{header}.{body}.");
        assert!(matches!(
            keys.verify(&unsigned),
            Err(AuthError::TokenInvalid(_))
        ));
    }
}
