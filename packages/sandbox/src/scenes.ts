import { ZhimaError } from '@zhima/core';
import { loanTemplate, type FieldRules } from '@zhima/validator';

/**
 * A data scene (`scene_code`) the sandbox accepts closeloop and single uploads for, with its template:
 * the field codes a record may hold, and optional template rules (`INVALID_PARAMETER` when broken).
 * Spreading a validator preset works: `{ sceneCode: '8', ...loanTemplate }`.
 *
 * @example
 * ```ts
 * const riding: SandboxScene = { sceneCode: '32', columns: ['order_no', 'user_name', 'ride_date', 'fee'] };
 * ```
 */
export interface SandboxScene {
  /** `8` 数据反馈, `32` 骑行, `CAR_RENTING`, …: each scene has its own template. */
  sceneCode: string;
  /** The template's field codes: the header row of its `.xlsx`, and the only fields a record may use. */
  columns: readonly string[];
  rules?: FieldRules | undefined;
}

/**
 * The scene `feedback_url` points at: `8`, 数据反馈 (data feedback), the batch-feedback data.
 *
 * @example
 * ```ts
 * scenes.get(FEEDBACK_SCENE_CODE)!.columns;
 * ```
 */
export const FEEDBACK_SCENE_CODE = '8';

function sceneError(message: string): ZhimaError<'PARAM_INVALID'> {
  return new ZhimaError({ code: 'PARAM_INVALID', message, hint: "Give each scene as { sceneCode: '32', columns: ['order_no', …] }, each code once." });
}

/**
 * The scenes a sandbox serves: scene `8` with the common loan template's columns (and the sandbox's
 * `rules`, the data-feedback rules), then the given scenes, which add to it or replace it by code.
 *
 * @example
 * ```ts
 * resolveScenes({ scenes: [{ sceneCode: '32', columns }], rules: undefined }); // Map { '8' => …, '32' => … }
 * ```
 */
export function resolveScenes({ scenes = [], rules }: { scenes?: readonly SandboxScene[] | undefined; rules: FieldRules | undefined }): ReadonlyMap<string, SandboxScene> {
  const resolved = new Map<string, SandboxScene>([[FEEDBACK_SCENE_CODE, { sceneCode: FEEDBACK_SCENE_CODE, columns: loanTemplate.columns, rules }]]);
  const given = new Set<string>();
  for (const scene of scenes) {
    if (typeof scene.sceneCode !== 'string' || scene.sceneCode.trim() === '') throw sceneError(`A scene has no sceneCode: ${JSON.stringify(scene.sceneCode)}.`);
    if (given.has(scene.sceneCode)) throw sceneError(`Scene ${scene.sceneCode} is listed twice.`);
    if (scene.columns.length === 0 || scene.columns.some((column) => typeof column !== 'string' || column.trim() === '')) throw sceneError(`Scene ${scene.sceneCode} needs its template's columns.`);
    given.add(scene.sceneCode);
    resolved.set(scene.sceneCode, { sceneCode: scene.sceneCode, columns: [...scene.columns], rules: scene.rules });
  }
  return resolved;
}
