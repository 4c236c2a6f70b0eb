import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Warnings we accept: by rule, the reason and the messages (regular expressions) accepted. */
const ACCEPTED: Record<string, { reason: string; messages: string[] }> = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'cfn-lint-warnings.json'), 'utf-8'));

export interface LintFinding {
  readonly rule: string;
  readonly level: string;
  readonly resource: string;
  readonly message: string;
}

/**
 * Runs cfn-lint over a synthesized template and returns what is not accepted: every error,
 * and every warning not listed in cfn-lint-warnings.json. Without cfn-lint it fails loudly.
 */
export function unacceptedCfnLintFindings(template: string): LintFinding[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', template], { encoding: 'utf-8' });
  if (result.error || result.status === null) {
    throw new Error(`cfn-lint could not run (${result.error?.message ?? 'killed'}): install it with `
      + '`pip install cfn-lint`; this check does not pass without it.');
  }
  const findings = (JSON.parse(result.stdout || '[]') as any[]).map((match) => ({
    rule: match.Rule.Id as string,
    level: match.Level as string,
    resource: (match.Location?.Path ?? [])[1] as string ?? '',
    message: match.Message as string,
  }));
  return findings.filter((finding) => {
    if (finding.level === 'Informational') return false;
    if (finding.level === 'Error') return true;
    const accepted = ACCEPTED[finding.rule];
    return !accepted?.messages.some((pattern) => new RegExp(pattern).test(finding.message));
  });
}
