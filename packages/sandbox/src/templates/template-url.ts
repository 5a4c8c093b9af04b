/**
 * Where the sandbox serves template files: `/__sandbox/templates/<scene_code>.xlsx?app_id=…`.
 *
 * @example
 * ```ts
 * url.pathname.startsWith(TEMPLATES_PATH);
 * ```
 */
export const TEMPLATES_PATH = '/__sandbox/templates/';

/**
 * The URL of a scene's template for an app, as `feedback_url` and `template_url` answer it: one per app
 * id and scene.
 *
 * @example
 * ```ts
 * templateUrl({ origin: 'http://127.0.0.1:8080', appId: '2021000000000001', sceneCode: '8' });
 * // 'http://127.0.0.1:8080/__sandbox/templates/8.xlsx?app_id=2021000000000001'
 * ```
 */
export function templateUrl({ origin, appId, sceneCode }: { origin: string; appId: string; sceneCode: string }): string {
  return `${origin}${TEMPLATES_PATH}${encodeURIComponent(sceneCode)}.xlsx?app_id=${encodeURIComponent(appId)}`;
}

/**
 * The scene code of a template path, or `undefined` when the path is not one.
 *
 * @example
 * ```ts
 * templateSceneCode({ pathname: '/__sandbox/templates/CAR_RENTING.xlsx' }); // 'CAR_RENTING'
 * ```
 */
export function templateSceneCode({ pathname }: { pathname: string }): string | undefined {
  if (!pathname.startsWith(TEMPLATES_PATH) || !pathname.endsWith('.xlsx')) return undefined;
  try {
    return decodeURIComponent(pathname.slice(TEMPLATES_PATH.length, -'.xlsx'.length));
  } catch {
    return undefined;
  }
}
