// TypeDoc plugin: names each documented module by the import specifier users write
// (`@zhima/transport/undici`) instead of its source path (`transport/src/undici`).
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const match = /^([\w-]+)\/src(?:\/(.+))?$/.exec(module.name);
      if (match) module.name = `@zhima/${match[1]}${match[2] ? `/${match[2]}` : ''}`;
    }
  });
}
