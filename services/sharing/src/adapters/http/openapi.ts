/**
 * The partner API as OpenAPI 3.1 (its schemas are JSON Schema 2020-12). Served at /openapi.json; the integration
 * tests validate the answers they get against these schemas, so the document cannot drift from the code unnoticed.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': json(ref('Error'), 'invalid request'),
  '401': json(ref('Error'), 'no or bad credentials'),
  '403': json(ref('Error'), 'no grant, or not allowed'),
  '429': { ...json(ref('Error'), 'quota spent'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};
const security = [{ apiKey: [] }, { partnerToken: [] }, { staffToken: [] }];
const nullable = (type: string) => ({ type: [type, 'null'] });
const isoTime = { type: 'string', format: 'date-time' };

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'EcoGrid 数据共享接口 (partner data sharing)',
    version: '1.0.0',
    description: '盐湖区智慧环境网格化指挥系统向协作部门共享数据：目录、授权范围内的拉取与推送，每次访问均留痕审计。',
  },
  servers: [{ url: 'http://127.0.0.1:8085' }],
  security,
  paths: {
    '/oauth/token': {
      post: {
        summary: 'OAuth2 client credentials: client_id is the key id, client_secret the API key',
        security: [],
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: ref('TokenRequest') }, 'application/json': { schema: ref('TokenRequest') } } },
        responses: { '200': json(ref('Token'), 'an access token'), '400': json(ref('OAuthError'), 'bad request'), '401': json(ref('OAuthError'), 'bad client') },
      },
    },
    '/v1/catalogue': { get: { summary: 'The catalogue with the caller’s grants', responses: { '200': json(ref('Catalogue'), 'datasets'), ...errors } } },
    '/v1/datasets/{id}/records': {
      get: {
        summary: 'A page of a dataset within the partner’s grant',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'township', in: 'query', schema: { type: 'string' } },
          { name: 'enterprise', in: 'query', schema: { type: 'string' } },
          { name: 'factor', in: 'query', schema: { type: 'string' } },
          { name: 'since', in: 'query', schema: isoTime },
          { name: 'until', in: 'query', schema: isoTime },
          { name: 'If-None-Match', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': { ...json(ref('Page'), 'records'), headers: { ETag: { schema: { type: 'string' } } } }, '304': { description: 'unchanged' }, ...errors },
      },
    },
    '/v1/datasets/{id}/events': {
      get: {
        summary: 'Server-Sent Events: each record as a CloudEvent (structured JSON); resume with Last-Event-ID',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'string', pattern: '^[0-9]+$' } },
        ],
        responses: { '200': { description: 'an event stream', content: { 'text/event-stream': { schema: ref('CloudEvent') } } }, ...errors },
      },
    },
    '/v1/datasets/{id}/replay': {
      get: {
        summary: 'The grant’s data again from a point in time, read from Kafka at the offsets for that time',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'from', in: 'query', required: true, schema: isoTime },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: { '200': json(ref('Replay'), 'every published version since the time'), ...errors },
      },
    },
    '/v1/webhooks': {
      post: { summary: 'Register a webhook (https, on a registered host) for a granted dataset; the secret is shown once', responses: { '201': json(ref('WebhookCreated'), 'the webhook'), ...errors } },
      get: { summary: 'The partner’s webhooks', responses: { '200': json(ref('WebhookList'), 'webhooks'), ...errors } },
    },
    '/v1/webhooks/{id}': { delete: { summary: 'Stop a webhook', responses: { '204': { description: 'stopped' }, ...errors } } },
    '/v1/webhooks/{id}/dead-letters': { get: { summary: 'Events not delivered after every retry', responses: { '200': json(ref('DeadLetters'), 'dead letters'), ...errors } } },
    '/v1/grants': { get: { summary: 'Grants of the partner (stewards: ?partner=)', responses: { '200': json(ref('GrantList'), 'grants'), ...errors } } },
    '/v1/audit': { get: { summary: 'The access audit (partners: their own)', responses: { '200': json(ref('AuditList'), 'entries'), ...errors } } },
    '/v1/audit/verify': { get: { summary: 'Verify the hash chain (stewards)', responses: { '200': json(ref('AuditVerdict'), 'verdict'), ...errors } } },
    '/v1/audit/report': { get: { summary: 'Monthly access report', responses: { '200': json(ref('AuditReport'), 'report'), ...errors } } },
    '/v1/admin/partners': { post: { summary: 'Register a partner (stewards)', responses: { '201': json(ref('IssuedKey'), 'the partner and its first key, shown once'), ...errors } } },
    '/v1/admin/partners/{id}/keys': { post: { summary: 'Issue another key (rotation)', responses: { '201': json(ref('IssuedKey'), 'a key, shown once'), ...errors } } },
    '/v1/admin/keys/{keyId}': { delete: { summary: 'Revoke a key, effective at once', responses: { '204': { description: 'revoked' }, ...errors } } },
    '/v1/admin/grants': { post: { summary: 'Grant a dataset (conditional ones wait for a data steward)', responses: { '201': json(ref('Grant'), 'the grant'), ...errors } } },
    '/v1/admin/grants/{id}/approve': { post: { summary: 'Approve a conditional grant (data stewards)', responses: { '200': json(ref('Grant'), 'the grant'), ...errors } } },
    '/v1/admin/grants/{id}/revoke': { post: { summary: 'Revoke a grant', responses: { '200': json(ref('Grant'), 'the grant'), ...errors } } },
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      partnerToken: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } } },
      staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        additionalProperties: false,
        properties: { error: { type: 'object', required: ['code', 'message'], additionalProperties: false, properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
      },
      OAuthError: { type: 'object', required: ['error'], properties: { error: { enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type'] }, error_description: { type: 'string' } } },
      TokenRequest: { type: 'object', required: ['grant_type'], properties: { grant_type: { const: 'client_credentials' }, client_id: { type: 'string' }, client_secret: { type: 'string' } } },
      Token: {
        type: 'object',
        required: ['access_token', 'token_type', 'expires_in'],
        additionalProperties: false,
        properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer' } },
      },
      FieldValue: { type: ['string', 'number', 'boolean', 'null', 'array'], items: { type: 'string' } },
      Item: {
        type: 'object',
        required: ['seq', 'key', 'occurred_at', 'fields'],
        additionalProperties: false,
        properties: { seq: { type: 'integer' }, key: { type: 'string' }, occurred_at: isoTime, fields: { type: 'object', additionalProperties: ref('FieldValue') } },
      },
      Page: {
        type: 'object',
        required: ['dataset', 'items', 'next_cursor'],
        additionalProperties: false,
        properties: { dataset: { type: 'string' }, items: { type: 'array', items: ref('Item') }, next_cursor: nullable('string') },
      },
      CloudEvent: {
        type: 'object',
        required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data'],
        additionalProperties: false,
        properties: {
          specversion: { const: '1.0' },
          id: { type: 'string' },
          source: { type: 'string' },
          type: { type: 'string' },
          subject: { type: 'string' },
          time: isoTime,
          datacontenttype: { const: 'application/json' },
          data: { type: 'object', additionalProperties: ref('FieldValue') },
        },
      },
      Dataset: {
        type: 'object',
        required: ['id', 'title', 'sharing_class', 'sharing_class_label', 'legal_basis', 'owner', 'fed', 'scope_dimensions', 'fields', 'grant'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          title: { type: 'object', required: ['zh', 'en'], properties: { zh: { type: 'string' }, en: { type: 'string' } } },
          sharing_class: { enum: ['unconditional', 'conditional', 'not_shareable'] },
          sharing_class_label: { type: 'object', required: ['zh', 'en'], properties: { zh: { type: 'string' }, en: { type: 'string' } } },
          legal_basis: { type: 'string' },
          owner: { type: 'string' },
          fed: { type: 'boolean' },
          scope_dimensions: { type: 'array', items: { enum: ['township', 'bbox', 'enterprise', 'factor'] } },
          fields: {
            type: 'array',
            items: { type: 'object', required: ['name', 'type', 'description', 'shareable'], additionalProperties: false, properties: { name: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' }, shareable: { type: 'boolean' } } },
          },
          grant: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['id', 'status', 'fields', 'expires_at', 'purpose'],
                additionalProperties: false,
                properties: { id: { type: 'string' }, status: { enum: ['pending_approval', 'active', 'revoked', 'expired'] }, fields: { type: 'array', items: { type: 'string' } }, expires_at: isoTime, purpose: { type: 'string' } },
              },
            ],
          },
        },
      },
      Replay: {
        type: 'object',
        required: ['dataset', 'from', 'items'],
        additionalProperties: false,
        properties: {
          dataset: { type: 'string' },
          from: isoTime,
          items: {
            type: 'array',
            items: { type: 'object', required: ['position', 'key', 'occurred_at', 'fields'], additionalProperties: false, properties: { position: { type: 'string' }, key: { type: 'string' }, occurred_at: isoTime, fields: { type: 'object', additionalProperties: ref('FieldValue') } } },
          },
        },
      },
      WebhookCreated: {
        type: 'object',
        required: ['id', 'dataset', 'url', 'secret', 'last_seq'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, dataset: { type: 'string' }, url: { type: 'string' }, secret: { type: 'string' }, last_seq: { type: 'integer' } },
      },
      WebhookList: {
        type: 'object',
        required: ['webhooks'],
        additionalProperties: false,
        properties: { webhooks: { type: 'array', items: { type: 'object', required: ['id', 'dataset', 'url', 'last_seq'], additionalProperties: false, properties: { id: { type: 'string' }, dataset: { type: 'string' }, url: { type: 'string' }, last_seq: { type: 'integer' } } } } },
      },
      DeadLetters: {
        type: 'object',
        required: ['dead_letters'],
        additionalProperties: false,
        properties: { dead_letters: { type: 'array', items: { type: 'object', required: ['seq', 'attempts', 'last_error'], additionalProperties: false, properties: { seq: { type: 'integer' }, attempts: { type: 'integer' }, last_error: { type: 'string' } } } } },
      },
      Catalogue: { type: 'object', required: ['datasets'], additionalProperties: false, properties: { datasets: { type: 'array', items: ref('Dataset') } } },
      Grant: {
        type: 'object',
        required: ['id', 'partner_id', 'dataset', 'scope', 'fields', 'window', 'purpose', 'expires_at', 'status', 'approved_by'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          partner_id: { type: 'string' },
          dataset: { type: 'string' },
          scope: {
            type: 'object',
            additionalProperties: false,
            properties: {
              townships: { type: 'array', items: { type: 'string' } },
              enterprises: { type: 'array', items: { type: 'string' } },
              factors: { type: 'array', items: { type: 'string' } },
              bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
            },
          },
          fields: { type: 'array', items: { type: 'string' } },
          window: { type: 'object', required: ['from', 'to'], properties: { from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } } },
          purpose: { type: 'string' },
          expires_at: isoTime,
          status: { enum: ['pending_approval', 'active', 'revoked'] },
          approved_by: nullable('string'),
        },
      },
      GrantList: { type: 'object', required: ['grants'], additionalProperties: false, properties: { grants: { type: 'array', items: ref('Grant') } } },
      IssuedKey: { type: 'object', required: ['partner_id', 'key_id', 'api_key'], additionalProperties: false, properties: { partner_id: { type: 'string' }, key_id: { type: 'string' }, api_key: { type: 'string', pattern: '^esk_' } } },
      AuditEntry: {
        type: 'object',
        required: ['sequence', 'access_id', 'partner_id', 'dataset', 'query', 'rows', 'response_sha256', 'accessed_at', 'allowed', 'denial_reason', 'previous_hash', 'hash'],
        additionalProperties: false,
        properties: {
          sequence: { type: 'integer', minimum: 1 },
          access_id: { type: 'string', format: 'uuid' },
          partner_id: { type: 'string' },
          dataset: { type: 'string' },
          query: { type: 'object' },
          rows: { type: 'integer', minimum: 0 },
          response_sha256: { type: 'string', pattern: '^([0-9a-f]{64})?$' },
          accessed_at: isoTime,
          allowed: { type: 'boolean' },
          denial_reason: { type: 'string' },
          previous_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
      AuditList: { type: 'object', required: ['entries'], additionalProperties: false, properties: { entries: { type: 'array', items: ref('AuditEntry') } } },
      AuditVerdict: {
        type: 'object',
        required: ['intact', 'entries'],
        additionalProperties: false,
        properties: {
          intact: { type: 'boolean' },
          entries: { type: 'integer' },
          firstBroken: { type: 'object', required: ['sequence', 'reason'], properties: { sequence: { type: 'integer' }, reason: { enum: ['hash_mismatch', 'previous_hash_mismatch', 'sequence_gap'] }, storedHash: { type: 'string' }, recomputedHash: { type: 'string' } } },
        },
      },
      AuditReport: {
        type: 'object',
        required: ['month', 'rows'],
        additionalProperties: false,
        properties: {
          month: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}$' },
          rows: {
            type: 'array',
            items: { type: 'object', required: ['partner_id', 'dataset', 'accesses', 'denied', 'rows'], additionalProperties: false, properties: { partner_id: { type: 'string' }, dataset: { type: 'string' }, accesses: { type: 'integer' }, denied: { type: 'integer' }, rows: { type: 'integer' } } },
          },
        },
      },
    },
  },
} as const;
