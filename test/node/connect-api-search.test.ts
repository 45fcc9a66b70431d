/**
 * SearchContacts and DescribeQueue of the Connect API stand-in (demo/connect-api/search.ts) through the real
 * @aws-sdk/client-connect: criteria, time range types, sort, pagination, validation and the action's own quota.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  ConnectClient,
  DescribeQueueCommand,
  GetContactAttributesCommand,
  SearchContactsCommand,
  UpdateContactAttributesCommand,
  type SearchContactsCommandInput,
} from '@aws-sdk/client-connect';
import {
  connectDefaultQuotas,
  startConnectApi,
  type ConnectApiHandle,
  type ContactRecord,
} from '../../demo/connect-api/server.ts';

const instanceId = 'inst-s';
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString();
const contacts: ContactRecord[] = [
  {
    instanceId,
    contactId: 's-1',
    startedAt: at(0),
    disconnectedAt: at(5),
    agentId: 'ag-a',
    channel: 'VOICE',
    queueId: 'q-basic',
    queueName: 'BasicQueue',
    attributes: { Review: 'legal' },
  },
  {
    instanceId,
    contactId: 's-2',
    startedAt: at(10),
    disconnectedAt: at(12),
    agentId: 'ag-a',
    channel: 'CHAT',
    queueId: 'q-basic',
    queueName: 'BasicQueue',
  },
  {
    instanceId,
    contactId: 's-3',
    startedAt: at(20),
    disconnectedAt: at(30),
    agentId: 'ag-b',
    channel: 'VOICE',
    queueId: 'q-sales',
    queueName: 'Sales',
    attributes: { Review: 'abuse' },
  },
  { instanceId, contactId: 's-4', startedAt: at(40), agentId: 'ag-a', channel: 'TASK', initiationMethod: 'API' },
  {
    instanceId,
    contactId: 's-3b',
    initialContactId: 's-3',
    previousContactId: 's-3',
    startedAt: at(31),
    disconnectedAt: at(35),
    agentId: 'ag-a',
    channel: 'VOICE',
    queueId: 'q-sales',
    queueName: 'Sales',
  },
];
const day = { StartTime: new Date(Date.UTC(2026, 0, 5)), EndTime: new Date(Date.UTC(2026, 0, 6)) };

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

async function ids(input: Partial<SearchContactsCommandInput>): Promise<string[]> {
  const output = await connect().send(
    new SearchContactsCommand({
      InstanceId: instanceId,
      TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day },
      ...input,
    }),
  );
  return (output.Contacts ?? []).map((contact) => contact.Id ?? '');
}

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

describe('Connect API stand-in: SearchContacts', () => {
  it('finds an agent’s contacts, newest first by default, with the summary members the SDK reads', async () => {
    const output = await connect().send(
      new SearchContactsCommand({
        InstanceId: instanceId,
        TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day },
        SearchCriteria: { AgentIds: ['ag-a'] },
      }),
    );
    assert.deepEqual(
      output.Contacts?.map((c) => c.Id),
      ['s-4', 's-3b', 's-2', 's-1'],
    );
    assert.equal(output.TotalCount, 4);
    const transfer = output.Contacts.find((c) => c.Id === 's-3b');
    assert.equal(transfer?.InitialContactId, 's-3');
    assert.equal(transfer.InitiationMethod, 'TRANSFER');
    assert.equal(transfer.QueueInfo?.Id, 'q-sales');
    assert.ok(transfer.DisconnectTimestamp instanceof Date);
    assert.equal(transfer.DisconnectTimestamp.toISOString(), at(35));
    assert.equal(transfer.AgentInfo?.Id, 'ag-a');
    assert.equal(output.Contacts.find((c) => c.Id === 's-4')?.InitiationMethod, 'API');
  });

  it('filters by channel, queue, initiation method and searchable attributes (MATCH_ALL and MATCH_ANY)', async () => {
    assert.deepEqual(await ids({ SearchCriteria: { Channels: ['CHAT', 'TASK'] } }), ['s-4', 's-2']);
    assert.deepEqual(await ids({ SearchCriteria: { QueueIds: ['q-sales'] } }), ['s-3b', 's-3']);
    assert.deepEqual(await ids({ SearchCriteria: { InitiationMethods: ['TRANSFER'] } }), ['s-3b']);
    assert.deepEqual(
      await ids({
        SearchCriteria: { SearchableContactAttributes: { Criteria: [{ Key: 'Review', Values: ['legal'] }] } },
      }),
      ['s-1'],
    );
    // The chain's attributes: the transfer leg shares s-3's.
    assert.deepEqual(
      await ids({
        SearchCriteria: {
          SearchableContactAttributes: {
            MatchType: 'MATCH_ANY',
            Criteria: [
              { Key: 'Review', Values: ['abuse'] },
              { Key: 'Review', Values: ['legal'] },
            ],
          },
        },
      }),
      ['s-3b', 's-3', 's-1'],
    );
    assert.deepEqual(await ids({ SearchCriteria: { AgentIds: ['ag-b'], Channels: ['CHAT'] } }), []);
  });

  it('finds attributes written through the API since', async () => {
    await connect().send(
      new UpdateContactAttributesCommand({
        InstanceId: instanceId,
        InitialContactId: 's-2',
        Attributes: { Review: 'qa' },
      }),
    );
    assert.deepEqual(
      await ids({ SearchCriteria: { SearchableContactAttributes: { Criteria: [{ Key: 'Review', Values: ['qa'] }] } } }),
      ['s-2'],
    );
  });

  it('places contacts by the time range type; a contact without that timestamp is in no range', async () => {
    const range = { StartTime: new Date(at(11)), EndTime: new Date(at(33)) };
    assert.deepEqual(await ids({ TimeRange: { Type: 'DISCONNECT_TIMESTAMP', ...range } }), ['s-3', 's-2']);
    assert.deepEqual(await ids({ TimeRange: { Type: 'INITIATION_TIMESTAMP', ...range } }), ['s-3b', 's-3']);
    assert.deepEqual(
      await ids({ TimeRange: { Type: 'ENQUEUE_TIMESTAMP', ...day } }).then((x) => x.includes('s-4')),
      false,
    );
    assert.deepEqual(await ids({ TimeRange: { Type: 'SCHEDULED_TIMESTAMP', ...day } }), []);
  });

  it('sorts by the field and order asked', async () => {
    assert.deepEqual(
      await ids({
        Sort: { FieldName: 'DISCONNECT_TIMESTAMP', Order: 'ASCENDING' },
        SearchCriteria: { AgentIds: ['ag-a'] },
      }),
      ['s-4', 's-1', 's-2', 's-3b'],
    );
    assert.deepEqual((await ids({ Sort: { FieldName: 'CHANNEL', Order: 'ASCENDING' } }))[0], 's-2');
  });

  it('pages with MaxResults and NextToken until every contact was seen once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const output = await connect().send(
        new SearchContactsCommand({
          InstanceId: instanceId,
          TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day },
          MaxResults: 2,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      seen.push(...(output.Contacts ?? []).map((c) => c.Id ?? ''));
      token = output.NextToken;
      pages += 1;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['s-4', 's-3b', 's-3', 's-2', 's-1']);
  });

  it('refuses a NextToken from another search', async () => {
    const first = await connect().send(
      new SearchContactsCommand({
        InstanceId: instanceId,
        TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day },
        MaxResults: 1,
      }),
    );
    assert.ok(first.NextToken);
    const refused = await refusal(
      ids({ MaxResults: 1, NextToken: first.NextToken, SearchCriteria: { AgentIds: ['ag-b'] } }),
    );
    assert.equal(refused.name, 'InvalidParameterException');
  });

  it('refuses bad members with InvalidParameterException and an unknown instance with ResourceNotFoundException', async () => {
    for (const input of [
      { MaxResults: 0 },
      { MaxResults: 101 },
      { TimeRange: { Type: 'INITIATION_TIMESTAMP' as const, StartTime: day.EndTime, EndTime: day.StartTime } },
      { TimeRange: { Type: 'NOT_A_TYPE' as 'INITIATION_TIMESTAMP', ...day } },
      { SearchCriteria: { Channels: ['FAX' as 'VOICE'] } },
      { SearchCriteria: { Name: { SearchText: ['x'], MatchType: 'MATCH_ALL' as const } } },
      { Sort: { FieldName: 'NAME' as 'CHANNEL', Order: 'ASCENDING' as const } },
    ]) {
      const refused = await refusal(ids(input));
      assert.equal(refused.name, 'InvalidParameterException', JSON.stringify(input));
      assert.equal(refused.status, 400);
    }
    const unknown = await refusal(
      connect().send(
        new SearchContactsCommand({ InstanceId: 'nope', TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day } }),
      ),
    );
    assert.equal(unknown.name, 'ResourceNotFoundException');
  });
});

describe('Connect API stand-in: SearchContacts quota and searchable keys', () => {
  it('throttles SearchContacts past its own per-action quota, and not the other actions', async () => {
    const client = connect();
    const search = () =>
      client.send(
        new SearchContactsCommand({ InstanceId: instanceId, TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day } }),
      );
    handle.setFaults({ quotas: { SearchContacts: { ratePerSecond: 0.001, burst: 2 } } });
    await search();
    await search();
    const refused = await refusal(search());
    assert.equal(refused.name, 'ThrottlingException');
    assert.equal(refused.status, 429);
    await client.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: 'q-basic' }));
    await client.send(new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: 's-3' }));
    assert.deepEqual(
      handle.requestLog().map((entry) => `${entry.action} ${entry.status}`),
      [
        'SearchContacts 200',
        'SearchContacts 200',
        'SearchContacts 429',
        'DescribeQueue 200',
        'GetContactAttributes 200',
      ],
    );
  });

  it('meters SearchContacts like every action: not at all unless told, under `quota` and `connectDefaultQuotas`', async () => {
    const client = connect();
    const search = () =>
      client.send(
        new SearchContactsCommand({ InstanceId: instanceId, TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day } }),
      );
    // No quota by default: more searches at once than Connect's default burst of 5 all pass.
    for (let call = 0; call < 8; call += 1) await search();
    assert.equal(handle.requestLog().filter((entry) => entry.status === 429).length, 0);

    // `quota` gives SearchContacts its own bucket of that size, as it does every action.
    handle.setFaults({ quota: { ratePerSecond: 0.001, burst: 1 } });
    await search();
    assert.equal((await refusal(search())).name, 'ThrottlingException');
    await client.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: 'q-basic' }));

    // Connect's published defaults: 2/s, burst 5.
    assert.deepEqual(connectDefaultQuotas.SearchContacts, { ratePerSecond: 2, burst: 5 });
    handle.setFaults({ quota: null, quotas: connectDefaultQuotas });
    for (let call = 0; call < connectDefaultQuotas.SearchContacts.burst; call += 1) await search();
    assert.equal((await refusal(search())).name, 'ThrottlingException');
    // A null leaves SearchContacts unmetered.
    handle.setFaults({ quotas: { ...connectDefaultQuotas, SearchContacts: null } });
    for (let call = 0; call < 8; call += 1) await search();
  });

  it('refuses a search on an attribute not configured as searchable', async () => {
    const limited = await startConnectApi({ contacts, searchableAttributeKeys: ['Review'] });
    try {
      const client = new ConnectClient({
        region: limited.region,
        endpoint: limited.url,
        credentials: { accessKeyId: limited.accessKeyId, secretAccessKey: limited.secretAccessKey },
        maxAttempts: 1,
      });
      const refused = await refusal(
        client.send(
          new SearchContactsCommand({
            InstanceId: instanceId,
            TimeRange: { Type: 'INITIATION_TIMESTAMP', ...day },
            SearchCriteria: { SearchableContactAttributes: { Criteria: [{ Key: 'greeting', Values: ['x'] }] } },
          }),
        ),
      );
      assert.equal(refused.name, 'InvalidParameterException');
    } finally {
      await limited.close();
    }
  });
});

describe('Connect API stand-in: DescribeQueue', () => {
  it('names a queue a contact was routed through, and refuses an unknown one', async () => {
    const output = await connect().send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: 'q-sales' }));
    assert.equal(output.Queue?.Name, 'Sales');
    assert.equal(output.Queue.QueueId, 'q-sales');
    assert.match(output.Queue.QueueArn ?? '', /:instance\/inst-s\/queue\/q-sales$/);
    const refused = await refusal(
      connect().send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: 'q-none' })),
    );
    assert.equal(refused.name, 'ResourceNotFoundException');
  });
});
