/**
 * The BSON codec of `wirestate`, in an entry of its own so that only apps that offer it load the
 * `bson` package: `createSession({ codecs: [bson(), 'json'] })`.
 *
 * @packageDocumentation
 */
export { bson, BsonCodec, BSON_CARRIES } from './codecs/bson.js';
