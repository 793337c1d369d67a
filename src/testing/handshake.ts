/**
 * Reads what a WebSocket upgrade request asks for (docs/protocol.md section 2): the version, the codec
 * to use, a token, and the Resume-Id to resume. Pure functions of the request. Internal.
 */
import type { IncomingMessage } from 'node:http';
import type { CodecName } from '../codecs/codec.js';
import { redactSubprotocols } from '../codecs/index.js';
import { BEARER_SUBPROTOCOL_PREFIX, REFERENCE_PROTOCOL_VERSION } from '../constants.js';
import type { ResolvedOptions } from './options.js';
import type { HandshakeRecord } from './records.js';

/** The protocol version this server speaks. */
export const SUPPORTED_VERSION = REFERENCE_PROTOCOL_VERSION;

const REDACTED = '<redacted>';

/** What an upgrade request asks for. */
export interface HandshakeRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The `version` query parameter, or null when absent. */
  readonly version: string | null;
  /** Every `Sec-WebSocket-Protocol` entry, as offered. */
  readonly protocols: readonly string[];
  /** The codec subprotocol selected: the first offered that the server supports. */
  readonly selectedProtocol: string | undefined;
  /** The codec in use: the selected one, else JSON. */
  readonly codec: CodecName;
  readonly token: string | undefined;
  readonly tokenTransport: 'subprotocol' | 'query' | undefined;
  /** `resume=` query parameter, else the `Resume-Id` header. */
  readonly requestedResumeId: string | undefined;
}

function offeredProtocols(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** Reads an upgrade request. */
export function readHandshake(request: IncomingMessage, options: ResolvedOptions): HandshakeRequest {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const query = url.searchParams;
  const protocols = offeredProtocols(request.headers['sec-websocket-protocol']);
  let selectedProtocol: string | undefined;
  let codec: CodecName = 'json';
  for (const offered of protocols) {
    const match = options.codecs.find((name) => options.subprotocols[name] === offered);
    if (match !== undefined) {
      selectedProtocol = offered;
      codec = match;
      break;
    }
  }
  const bearer = protocols.find((entry) => entry.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  const queryToken = query.get('token') ?? undefined;
  const token = bearer !== undefined ? bearer.slice(BEARER_SUBPROTOCOL_PREFIX.length) : queryToken;
  const tokenTransport = bearer !== undefined ? 'subprotocol' : queryToken !== undefined ? 'query' : undefined;
  const headerResumeId = request.headers['resume-id'];
  const requestedResumeId = query.get('resume') || (typeof headerResumeId === 'string' && headerResumeId !== '' ? headerResumeId : undefined);
  return {
    path: url.pathname,
    query,
    version: query.get('version'),
    protocols,
    selectedProtocol,
    codec,
    token,
    tokenTransport,
    requestedResumeId: requestedResumeId ?? undefined,
  };
}

/** Whether the request's version is acceptable; returns the reason when it is not. */
export function versionProblem(request: HandshakeRequest, requireVersion: boolean, supported: string = SUPPORTED_VERSION): string | undefined {
  if (request.version === null) return requireVersion ? `missing version: connect with ?version=${supported}` : undefined;
  return request.version === supported ? undefined : `unsupported version "${request.version}": this server speaks version ${supported}`;
}

const HEADERS_OF_INTEREST = ['resume-id', 'user-agent', 'origin'] as const;

/** The fields of a handshake record that come from the request; tokens are redacted. */
export function describeRequest(
  request: HandshakeRequest,
  incoming: IncomingMessage,
): Pick<HandshakeRecord, 'path' | 'query' | 'protocols' | 'codec' | 'headers'> &
  Partial<Pick<HandshakeRecord, 'selectedProtocol' | 'tokenTransport' | 'requestedResumeId'>> {
  const query: Record<string, string> = {};
  for (const [name, value] of request.query) {
    if (!(name in query)) query[name] = name === 'token' ? REDACTED : value;
  }
  const headers: Record<string, string> = {};
  for (const name of HEADERS_OF_INTEREST) {
    const value = incoming.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return {
    path: request.path,
    query,
    protocols: redactSubprotocols(request.protocols),
    codec: request.codec,
    headers,
    ...(request.selectedProtocol !== undefined ? { selectedProtocol: request.selectedProtocol } : {}),
    ...(request.tokenTransport !== undefined ? { tokenTransport: request.tokenTransport } : {}),
    ...(request.requestedResumeId !== undefined ? { requestedResumeId: request.requestedResumeId } : {}),
  };
}
