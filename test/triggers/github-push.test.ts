import { describe, expect, it } from 'vitest';
import { pushMismatch, readGitHubPush } from '../../src/triggers/github-push.js';
import { hookSignature, verifyHookSignature } from '../../src/triggers/hook-signature.js';

describe('hook signatures', () => {
  it("verifies GitHub's documented test vector", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const body = Buffer.from('Hello, World!');
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyHookSignature("It's a Secret to Everybody", body, header)).toBe(true);
    expect(hookSignature("It's a Secret to Everybody", 'Hello, World!')).toBe(header);
  });

  it('refuses a wrong, truncated, differently prefixed or missing signature', () => {
    const body = Buffer.from('Hello, World!');
    const good = hookSignature('secret', body);
    expect(verifyHookSignature('other', body, good)).toBe(false);
    expect(verifyHookSignature('secret', Buffer.from('Hello, World?'), good)).toBe(false);
    expect(verifyHookSignature('secret', body, good.slice(0, -2))).toBe(false);
    expect(verifyHookSignature('secret', body, good.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifyHookSignature('secret', body, undefined)).toBe(false);
  });
});

const payload = (ref: string, commits: { added?: string[]; modified?: string[]; removed?: string[] }[]) => ({
  ref,
  after: 'abc123',
  head_commit: { id: 'abc123' },
  commits,
});

describe('GitHub push filtering', () => {
  it('collects added, modified and removed paths of every commit', () => {
    const push = readGitHubPush(payload('refs/heads/main', [{ added: ['b.txt'], modified: ['src/a.py'] }, { removed: ['old.csv'], modified: ['src/a.py'] }]));
    expect(push).toMatchObject({ branch: 'main', headCommit: 'abc123', changedPaths: ['b.txt', 'old.csv', 'src/a.py'] });
  });

  it('matches branches and paths by glob', () => {
    const filter = { branches: ['main', 'release/*'], paths: ['src/**', 'data/*.csv'] };
    const on = (ref: string, paths: string[]) => pushMismatch(readGitHubPush(payload(ref, [{ modified: paths }])), filter);
    expect(on('refs/heads/main', ['src/model/train.py'])).toBeUndefined();
    expect(on('refs/heads/release/1.2', ['data/housing.csv'])).toBeUndefined();
    expect(on('refs/heads/dev', ['src/a.py'])).toBe("branch 'dev' matches none of main, release/*");
    expect(on('refs/tags/v1', ['src/a.py'])).toBe('refs/tags/v1 is not a branch');
    expect(on('refs/heads/main', ['README.md', 'data/sub/x.csv'])).toBe('no changed path matches src/**, data/*.csv (2 changed)');
    // No filters: any push of a branch.
    expect(pushMismatch(readGitHubPush(payload('refs/heads/x', [])), { branches: [], paths: [] })).toBeUndefined();
    expect(pushMismatch({ ...readGitHubPush(payload('refs/heads/main', [])), deleted: true }, filter)).toBe('refs/heads/main was deleted');
  });

  it('refuses a malformed payload with BAD_REQUEST', () => {
    for (const bad of [[], { commits: [] }, { ref: 'refs/heads/main', commits: {} }, { ref: 'refs/heads/main', commits: [{ added: 'x' }] }]) {
      let code: string | undefined;
      try {
        readGitHubPush(bad);
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code).toBe('BAD_REQUEST');
    }
  });
});
