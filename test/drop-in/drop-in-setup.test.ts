// The drop-in setup with a bad data-rules-url: the error names the attribute, and nothing is assembled.
import { expect } from '@open-wc/testing';
import { start } from '../../components/drop-in-setup.ts';
import { DropInConfigError } from '../../src/drop-in-config.ts';

async function startWith(rulesUrl: string): Promise<DropInConfigError> {
  const script = document.createElement('script');
  script.dataset['rulesUrl'] = rulesUrl;
  try {
    await start(script, []);
  } catch (error) {
    expect(error).to.be.instanceOf(DropInConfigError);
    return error as DropInConfigError;
  }
  throw new Error('expected start() to reject');
}

describe('the drop-in setup with a bad data-rules-url', () => {
  it('names data-rules-url when the file is not JSON', async () => {
    const error = await startWith('data:application/json,[{on: connected}]');
    expect(error.problems.map((p) => p.attribute)).to.deep.equal(['data-rules-url']);
    expect(error.message).to.contain('is not valid JSON');
  });

  it('names data-rules-url and the rule when the file holds invalid rules', async () => {
    const error = await startWith(`data:application/json,${encodeURIComponent('[{"id":"wrap","on":"hung-up","set":{"a":"b"}}]')}`);
    expect(error.problems.map((p) => p.attribute)).to.deep.equal(['data-rules-url']);
    expect(error.message).to.contain('rules[0] "wrap" on');
  });
});
