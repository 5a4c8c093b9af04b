import type { GatewayAnswer } from '@zhima/core';
import type { Charset } from '@zhima/core/internal';
import type { FieldRules } from '@zhima/validator';
import type { AlipayKeyring } from '../certificates/keyring.js';
import type { UploadedFile } from '../gateway/read-request.js';
import type { SandboxScene } from '../scenes.js';
import type { RecordStore } from '../store.js';

/**
 * What a method sees of a call that passed the gateway checks, and of the sandbox.
 *
 * @example
 * ```ts
 * const answer = await handler({ appId, params, files, charset, origin, store, scenes, feedbackRules, keyring });
 * ```
 */
export interface MethodRequest {
  appId: string;
  /** Every text param of query and body, decoded; blank ones are absent. */
  params: Readonly<Record<string, string>>;
  files: ReadonlyMap<string, UploadedFile>;
  /** The request charset (the 4096 limit of single uploads counts its bytes). */
  charset: Charset;
  /** `scheme://host:port` the call came to: URLs in answers point back at the sandbox. */
  origin: string;
  store: RecordStore;
  scenes: ReadonlyMap<string, SandboxScene>;
  /** The template rules of `zhima.data.batch.feedback` (the sandbox's `rules` option). */
  feedbackRules: FieldRules | undefined;
  keyring: AlipayKeyring;
}

/**
 * One gateway method: its success answer, or a thrown `Rejection` (a signed business failure).
 *
 * @example
 * ```ts
 * const handler: MethodHandler = ({ params }) => success({ echo: params.biz_content });
 * ```
 */
export type MethodHandler = (request: MethodRequest) => GatewayAnswer | Promise<GatewayAnswer>;
