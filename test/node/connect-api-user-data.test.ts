/**
 * GetCurrentUserData of the Connect API stand-in (demo/connect-api/user-data.ts) through the real
 * @aws-sdk/client-connect: an agent's current contacts (ongoing: CONNECTED; disconnected and in after-contact work:
 * ENDED; cleared: gone), the Agents filter by id or ARN, ContactFilter, pagination, bad input and the action's own quota.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  ConnectClient,
  DescribeContactCommand,
  GetCurrentUserDataCommand,
  type GetCurrentUserDataCommandInput,
} from '@aws-sdk/client-connect';
import {
  connectDefaultQuotas,
  startConnectApi,
  type ConnectApiHandle,
  type ContactRecord,
} from '../../demo/connect-api/server.ts';

const instanceId = 'inst-u';
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString();
const contacts: ContactRecord[] = [
  { instanceId, contactId: 'u-live', startedAt: at(0), agentId: 'ag-a', channel: 'VOICE', queueId: 'q-basic' },
  { instanceId, contactId: 'u-chat', startedAt: at(1), agentId: 'ag-a', channel: 'CHAT' },
  { instanceId, contactId: 'u-acw', startedAt: at(2), disconnectedAt: at(6), agentId: 'ag-a' },
  {
    instanceId,
    contactId: 'u-cleared',
    startedAt: at(3),
    disconnectedAt: at(4),
    afterContactWorkEndedAt: at(5),
    agentId: 'ag-a',
  },
  { instanceId, contactId: 'u-other', startedAt: at(7), agentId: 'ag-b' },
  { instanceId, contactId: 'u-moving', startedAt: at(7), agentId: 'ag-c' },
  { instanceId: 'inst-elsewhere', contactId: 'u-far', startedAt: at(8), agentId: 'ag-a' },
];

let handle: ConnectApiHandle;
before(async () => {
  handle = await startConnectApi({ contacts });
});
after(() => handle.close());
afterEach(() => handle.reset());

function connect(): ConnectClient {
  return new ConnectClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
  });
}

const userData = (input: Partial<GetCurrentUserDataCommandInput>) =>
  connect().send(new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: undefined, ...input }));

async function refusal(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
  throw new Error('expected a refusal');
}

describe('Connect API stand-in: GetCurrentUserData', () => {
  it('lists each agent’s contacts not cleared yet: CONNECTED while ongoing, ENDED in after-contact work', async () => {
    const output = await userData({ Filters: { Agents: ['ag-a', 'ag-b'] } });
    assert.equal(output.ApproximateTotalCount, 2);
    const [a, b] = output.UserDataList ?? [];
    assert.equal(a?.User?.Id, 'ag-a');
    assert.equal(a.User.Arn, `arn:aws:connect:${handle.region}:123456789012:instance/${instanceId}/agent/ag-a`);
    assert.deepEqual(
      a.Contacts?.map((c) => [c.ContactId, c.Channel, c.AgentContactState, c.InitiationMethod]),
      [
        ['u-live', 'VOICE', 'CONNECTED', 'INBOUND'],
        ['u-chat', 'CHAT', 'CONNECTED', 'INBOUND'],
        ['u-acw', 'VOICE', 'ENDED', 'INBOUND'],
      ],
      'the cleared contact and the other instance’s are not the agent’s current contacts',
    );
    const live = a.Contacts[0];
    assert.ok(live?.StateStartTimestamp instanceof Date);
    assert.equal(live.StateStartTimestamp.toISOString(), at(0));
    assert.equal(live.ConnectedToAgentTimestamp?.toISOString(), at(0));
    assert.equal(live.Queue?.Id, 'q-basic');
    assert.equal(a.Contacts[2]?.StateStartTimestamp?.toISOString(), at(6), 'ENDED since the disconnect');
    assert.deepEqual(
      b?.Contacts?.map((c) => c.ContactId),
      ['u-other'],
    );
  });

  it('agrees with DescribeContact: a contact leaves the list when its after-contact work ends', async () => {
    const current = async () =>
      (await userData({ Filters: { Agents: ['ag-c'] } })).UserDataList?.[0]?.Contacts?.map((c) => c.AgentContactState);
    assert.deepEqual(await current(), ['CONNECTED']);
    handle.registerContacts([{ ...contacts[5]!, disconnectedAt: at(9) }]);
    assert.deepEqual(await current(), ['ENDED']);
    handle.registerContacts([{ ...contacts[5]!, disconnectedAt: at(9), afterContactWorkEndedAt: at(10) }]);
    assert.deepEqual(await current(), []);
    const described = await connect().send(
      new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'u-moving' }),
    );
    assert.equal(described.Contact?.AgentInfo?.AfterContactWorkEndTimestamp?.toISOString(), at(10));
  });

  it('takes agents by id or ARN, leaves out unknown ones, and answers a known agent without contacts', async () => {
    const arn = `arn:aws:connect:${handle.region}:123456789012:instance/${instanceId}/agent/ag-b`;
    const output = await userData({ Filters: { Agents: [arn, 'nobody', 'agent-agent-smith', 'ag-b'] } });
    assert.deepEqual(
      output.UserDataList?.map((u) => [u.User?.Id, u.Contacts?.length]),
      [
        ['ag-b', 1],
        ['agent-agent-smith', 0],
      ],
    );
  });

  it('keeps only the contacts in ContactFilter’s states, and the users left with one', async () => {
    const output = await userData({
      Filters: { Agents: ['ag-a', 'ag-b'], ContactFilter: { ContactStates: ['ENDED'] } },
    });
    assert.deepEqual(
      output.UserDataList?.map((u) => [u.User?.Id, u.Contacts?.map((c) => c.ContactId)]),
      [['ag-a', ['u-acw']]],
    );
  });

  it('pages with MaxResults and NextToken, and refuses a token of another request', async () => {
    const agents = ['ag-a', 'ag-b', 'agent-agent-smith'];
    const first = await userData({ Filters: { Agents: agents }, MaxResults: 2 });
    assert.deepEqual(
      first.UserDataList?.map((u) => u.User?.Id),
      ['ag-a', 'ag-b'],
    );
    assert.equal(first.ApproximateTotalCount, 3);
    assert.ok(first.NextToken);
    const second = await userData({ Filters: { Agents: agents }, MaxResults: 2, NextToken: first.NextToken });
    assert.deepEqual(
      second.UserDataList?.map((u) => u.User?.Id),
      ['agent-agent-smith'],
    );
    assert.equal(second.NextToken, undefined);
    const other = await refusal(userData({ Filters: { Agents: ['ag-a'] }, NextToken: first.NextToken }));
    assert.equal(other.name, 'InvalidParameterException');
  });

  it('refuses bad input with the error Connect names', async () => {
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => `ag-${i}`);
    const cases: Array<[string, Partial<GetCurrentUserDataCommandInput>, string, RegExp]> = [
      ['no Filters', {}, 'InvalidParameterException', /'filters'.*must not be null/],
      ['an empty Agents list', { Filters: { Agents: [] } }, 'InvalidParameterException', /filters\.agents/],
      ['101 agents', { Filters: { Agents: hundredAndOne } }, 'InvalidParameterException', /between 1 and 100/],
      [
        'an unknown contact state',
        { Filters: { Agents: ['ag-a'], ContactFilter: { ContactStates: ['SLEEPING' as 'ENDED'] } } },
        'InvalidParameterException',
        /contactStates/,
      ],
      ['MaxResults 0', { Filters: { Agents: ['ag-a'] }, MaxResults: 0 }, 'InvalidParameterException', /maxResults/],
      ['MaxResults 101', { Filters: { Agents: ['ag-a'] }, MaxResults: 101 }, 'InvalidParameterException', /maxResults/],
      [
        'two user filters',
        { Filters: { Agents: ['ag-a'], Queues: ['q-basic'] } },
        'InvalidRequestException',
        /maximum of one filter/,
      ],
      [
        'two hierarchy groups',
        { Filters: { UserHierarchyGroups: ['g-1', 'g-2'] } },
        'InvalidParameterException',
        /between 1 and 1/,
      ],
      [
        'a Queues filter',
        { Filters: { Queues: ['q-basic'] } },
        'InvalidRequestException',
        /does not implement the Queues/,
      ],
      [
        'no user filter',
        { Filters: { ContactFilter: { ContactStates: ['CONNECTED'] } } },
        'InvalidRequestException',
        /Agents filter only/,
      ],
    ];
    for (const [what, input, name, message] of cases) {
      const refused = await refusal(userData(input));
      assert.equal(refused.name, name, what);
      assert.equal(refused.status, 400, what);
      assert.match(refused.message, message, what);
    }
    const unknown = await refusal(userData({ InstanceId: 'no-such-instance', Filters: { Agents: ['ag-a'] } }));
    assert.deepEqual([unknown.name, unknown.status], ['ResourceNotFoundException', 404]);
    const logged = handle.requestLog().filter((entry) => entry.action === 'GetCurrentUserData');
    assert.equal(logged.length, cases.length + 1, 'each refusal is logged as GetCurrentUserData');
  });

  it('throttles GetCurrentUserData past its own quota (2/s, burst 5 in connectDefaultQuotas), not DescribeContact', async () => {
    assert.deepEqual(connectDefaultQuotas.GetCurrentUserData, { ratePerSecond: 2, burst: 5 });
    handle.setFaults({ quotas: { GetCurrentUserData: { ratePerSecond: 0.001, burst: 2 } } });
    const ask = () => userData({ Filters: { Agents: ['ag-a'] } });
    await ask();
    await ask();
    const refused = await refusal(ask());
    assert.deepEqual([refused.name, refused.status], ['ThrottlingException', 429]);
    await connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'u-live' }));
  });
});
