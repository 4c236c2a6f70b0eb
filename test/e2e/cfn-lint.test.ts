import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';

// The checker itself: it must catch what it is there to catch.
describe('the cfn-lint check', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-cfnlint-'));
  const write = (name: string, template: object) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(template));
    return file;
  };

  test('reports errors, such as a deprecated Lambda runtime', () => {
    const file = write('deprecated.json', {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs16.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: 'x' } },
        },
      },
    });
    const findings = unacceptedCfnLintFindings(file);
    expect(findings.map((finding) => finding.level)).toContain('Error');
  });

  test('reports warnings that the fixture does not list, and accepts those it does', () => {
    const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } };
    const fn = (roleId: string) => ({
      Type: 'AWS::Lambda::Function',
      DependsOn: [roleId],
      Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, Code: { ZipFile: 'x' } },
    });
    const listed = write('listed.json', { Resources: { PrivateAppHandlerRole5A49781E: role, Fn: fn('PrivateAppHandlerRole5A49781E') } });
    expect(unacceptedCfnLintFindings(listed)).toEqual([]);
    const unlisted = write('unlisted.json', { Resources: { SomeOtherRole: role, Fn: fn('SomeOtherRole') } });
    expect(unacceptedCfnLintFindings(unlisted)).toEqual([expect.objectContaining({ rule: 'W3005', resource: 'Fn' })]);
  });
});
