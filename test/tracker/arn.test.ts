import { expect } from '@open-wc/testing';
import { parseConnectArn, resolveInstance } from '../../src/tracker/arn.ts';
import { AttributesError } from '../../src/errors.ts';

const INSTANCE = 'arn:aws:connect:eu-west-2:123456789012:instance/4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';

describe('parseConnectArn', () => {
  it('reads region, account, instance and resource from agent, routing profile and queue ARNs', () => {
    expect(parseConnectArn(`${INSTANCE}/agent/abc`)).to.deep.equal({
      partition: 'aws',
      region: 'eu-west-2',
      accountId: '123456789012',
      instanceId: '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71',
      resource: 'agent/abc',
    });
    expect(parseConnectArn(`${INSTANCE}/routing-profile/rp`)?.resource).to.equal('routing-profile/rp');
    expect(parseConnectArn(`${INSTANCE}/queue/q`)?.instanceId).to.equal('4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71');
    expect(parseConnectArn(INSTANCE)?.resource).to.equal('');
  });

  it('accepts other partitions and multi-part regions', () => {
    expect(parseConnectArn('arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/abc-1/agent/x')).to.deep.include(
      {
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
        instanceId: 'abc-1',
      },
    );
  });

  it('rejects what is not a Connect instance ARN', () => {
    for (const value of [
      undefined,
      null,
      42,
      '',
      'not-an-arn/agent/x',
      'arn:aws:s3:us-east-1:123456789012:instance/abc/agent/x',
      'arn:aws:connect:us-east-1:123456789012:agent/x',
      'arn:aws:connect:us-east-1:1234:instance/abc/agent/x',
      'arn:aws:connect::123456789012:instance/abc',
      'arn:aws:connect:us-east-1:123456789012:instance//agent/x',
    ]) {
      expect(parseConnectArn(value), String(value)).to.equal(undefined);
    }
  });
});

describe('resolveInstance', () => {
  it('takes the first candidate that parses, most trusted first', () => {
    const other = 'arn:aws:connect:us-west-2:123456789012:instance/other/queue/q';
    expect(
      resolveInstance([
        { source: 'routing-profile', arn: null },
        { source: 'agent', arn: `${INSTANCE}/agent/a` },
        { source: 'queue', arn: other },
      ]),
    ).to.deep.equal({
      instanceId: '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71',
      region: 'eu-west-2',
      accountId: '123456789012',
      source: 'agent',
    });
    expect(
      resolveInstance([
        { source: 'routing-profile', arn: 'garbage' },
        { source: 'queue', arn: other },
      ]),
    ).to.deep.include({
      instanceId: 'other',
      source: 'queue',
    });
  });

  it('returns a validation error naming every candidate when none parses', () => {
    const result = resolveInstance([
      { source: 'routing-profile', arn: undefined },
      { source: 'agent', arn: 'garbage' },
      { source: 'queue', arn: '' },
    ]);
    expect(result).to.be.instanceOf(AttributesError);
    const error = result as AttributesError;
    expect(error.kind).to.equal('validation');
    expect(error.retryable).to.equal(false);
    expect(error.message).to.contain('No Amazon Connect instance id');
    expect(error.message).to.contain('routing-profile ARN (missing)');
    expect(error.message).to.contain('agent ARN "garbage"');
  });
});
