export { canonicalJson, type JsonObject, type JsonValue } from './canonical-json';
export { GENESIS_HASH, linkHash, verifyLinks, type ChainKey, type ChainLink, type ChainVerdict } from './hash-chain';
