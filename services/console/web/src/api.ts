/** The console API as the web app sees it; every request carries the session cookie, every change the CSRF token. */

export interface User {
  username: string;
  displayName: string;
  role: string;
  officerId?: string;
  townshipCode?: string;
}

export interface CaseSummary {
  id: string;
  status: string;
  source: string;
  priority: string;
  caseType: string;
  title: string;
  description: string;
  cellId: string;
  townshipCode: string;
  assigneeOfficerId: string;
  deviceMn: string;
  factorCode: string;
  alertIds: string[];
  lon: number | null;
  lat: number | null;
  createdAt: string | null;
  deadline: string | null;
  overdue: boolean;
  version: number;
}

export interface CasePage {
  case: CaseSummary;
  history: Array<{ sequence: number; action: string; actor: string; occurredAt: string | null; note: string; toStatus: string | null; hash: string }>;
  evidence: Array<{ id: string; kind: string; fileName: string; mediaType: string; sha256: string; addedAt: string | null; lon: number | null; lat: number | null; addedBy: string; referenceId: string }>;
  historyCheck: { intact: boolean; entries: number; firstBrokenSequence: number | null; firstBrokenReason: string };
  allowedActions: string[];
}

export interface Alert {
  alertId: string;
  state: string;
  severity: string;
  kind: string;
  deviceMn: string;
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  factorCode: string;
  value: number;
  limit: number;
  unit: string;
  summary: string;
  openedAt: string | null;
  changedAt: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function rememberCsrfToken(token: string): void {
  csrfToken = token;
}

export async function request<T>(method: string, path: string, body?: { json?: unknown; bytes?: Blob; type?: string }): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.bytes) {
    headers['content-type'] = body.type ?? 'application/octet-stream';
    payload = body.bytes;
  }
  const response = await fetch(`/api${path}`, { method, headers, credentials: 'same-origin', ...(payload ? { body: payload } : {}) });
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) throw new ApiError(response.status, answer.error?.code ?? 'failed', answer.error?.message ?? response.statusText);
  return answer as T;
}

export const api = {
  session: () => request<{ user: User; csrfToken: string }>('GET', '/session'),
  login: (username: string, password: string) => request<{ user: User; csrfToken: string }>('POST', '/login', { json: { username, password } }),
  logout: () => request<void>('POST', '/logout'),
  cases: () => request<{ cases: CaseSummary[] }>('GET', '/cases'),
  casePage: (id: string) => request<CasePage>('GET', `/cases/${encodeURIComponent(id)}`),
  act: (id: string, body: { action: string; expectedVersion: number; note?: string; targetOfficerId?: string }) =>
    request<{ case: CaseSummary }>('POST', `/cases/${encodeURIComponent(id)}/actions`, { json: body }),
  uploadEvidence: (id: string, photo: Blob, query: Record<string, string>) =>
    request<{ evidence: { evidenceId: string; sha256: string } }>('POST', `/cases/${encodeURIComponent(id)}/evidence?${new URLSearchParams(query).toString()}`, { bytes: photo, type: photo.type }),
  alerts: (openOnly = false) => request<{ alerts: Alert[] }>('GET', openOnly ? '/alerts?open=true' : '/alerts'),
  get: <T>(path: string) => request<T>('GET', path),
};
