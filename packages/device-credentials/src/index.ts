export { createPasswordVerifier, verifyPassword, isUsableVerifier, DEFAULT_SCRYPT, type PasswordVerifier, type ScryptParameters } from './password-verifier';
export { createCredentialChecker, type CredentialChecker, type CredentialCheckerOptions } from './credential-checker';
export { maskFramePassword } from './mask-password';
export { parseKeyRing, keyRingFromSettings, sealedKeyText, wrappedFromSealedText, sm4KeyFromText, randomSm4KeyText, KeyRingConfigError, type KeyRing, type KeyRingSettings, type WrappedKey } from './key-wrapping';
