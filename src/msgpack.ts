/**
 * The MessagePack codec of `wirestate`, in an entry of its own so that only apps that offer it
 * bundle `@msgpack/msgpack`: `createSession({ codecs: [msgpack(), 'json'] })`.
 *
 * @packageDocumentation
 */
export { msgpack, MsgpackCodec, MSGPACK_CARRIES } from './codecs/msgpack.js';
