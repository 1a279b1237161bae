/**
 * Load-time rehearsal: renders every service with a harmless value ("0") in each placeholder and
 * checks that the URL is a URL and the body parses as its content type. A template that could
 * never produce a valid request fails at load, not at send.
 */
import type { ConfigIssue } from '../errors.js';
import type { Provider } from '../provider/compile-provider.js';
import { bodyProblem, renderBody } from '../template/body.js';
import { RenderError } from '../template/escape.js';
import { renderTemplate, type Scope } from '../template/render.js';

const SAMPLE = '0';
const sampleValues = new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? SAMPLE : undefined) }) as Record<
  string,
  string
>;
const SAMPLE_SCOPE: Scope = { params: sampleValues, account: sampleValues };

/** Problems that rendering would hit for any values. */
export function probeProvider(provider: Provider): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, service] of Object.entries(provider.services)) {
    const at = (pointer: string, message: string): void => {
      issues.push({ file: provider.source, pointer: `/services/${name}${pointer}`, message, code: 'TEMPLATE_INVALID' });
    };
    try {
      new URL(renderTemplate(service.url, SAMPLE_SCOPE));
    } catch {
      at('/url', 'does not make a valid URL once its placeholders are filled in');
    }
    if (service.body === undefined) continue;
    const pointer = service.body.kind === 'text' ? '/postData' : '/body';
    try {
      const problem = bodyProblem(renderBody(service.body, SAMPLE_SCOPE), service.body.format);
      if (problem) at(pointer, `${problem}; check the template against its content type ${service.contentType}`);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      at(pointer, error.message);
    }
  }
  return issues;
}
