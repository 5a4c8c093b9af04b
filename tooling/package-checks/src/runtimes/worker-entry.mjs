// Entry for workerd: the harness POSTs the input JSON; the worker answers `{ results, probeError }`.
import { runChecks } from './checks.mjs';

export default {
  /** @param {Request} request */
  async fetch(request) {
    return Response.json(await runChecks(await request.json()));
  },
};
