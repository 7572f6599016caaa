import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type CasePage } from './api';
import { formatTime, t } from './i18n';
import { onLive } from './live';
import { currentPosition, uploadUntilAcknowledged } from './evidence-upload';

function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'stale_version') return t('staleVersion');
    if (error.status === 403) return t('notAllowed');
    if (error.status === 404) return t('notFound');
    return `${t('failed')}${error.message}`;
  }
  return `${t('failed')}${(error as Error).message}`;
}

const NEEDS_TARGET = new Set(['dispatch', 'reassign']);

/** One case: its facts, the actions this user may take, the history timeline with its chain check, the evidence. */
export function CaseView(props: { caseId: string }) {
  const [page, setPage] = useState<CasePage | undefined>();
  const [message, setMessage] = useState('');
  const [note, setNote] = useState('');
  const [target, setTarget] = useState('');
  const [upload, setUpload] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const next = await api.casePage(props.caseId);
      setPage(next);
      setTarget((current) => current || next.case.assigneeOfficerId);
    } catch (error) {
      setPage(undefined);
      setMessage(explain(error));
    }
  }, [props.caseId]);

  useEffect(() => {
    void load();
    return onLive('case', (data) => {
      if (data.caseId === props.caseId) void load();
    });
  }, [load, props.caseId]);

  if (!page) return <section class="case-page">{message && <p role="alert" class="error">{message}</p>}</section>;
  const item = page.case;

  const act = async (action: string) => {
    setBusy(true);
    setMessage('');
    try {
      let actionNote = note;
      if (action === 'arrive') {
        setMessage(t('locating'));
        const position = await currentPosition();
        if (position) actionNote = `${note ? `${note} ` : ''}(${t('position')} ${position.lon.toFixed(6)}, ${position.lat.toFixed(6)})`;
        setMessage('');
      }
      await api.act(item.id, {
        action,
        expectedVersion: item.version,
        ...(actionNote ? { note: actionNote } : {}),
        ...(NEEDS_TARGET.has(action) && target ? { targetOfficerId: target } : {}),
      });
      setNote('');
    } catch (error) {
      setMessage(explain(error));
    } finally {
      setBusy(false);
      await load();
    }
  };

  const sendPhoto = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const photo = input.files?.[0];
    if (!photo) return;
    setUpload(t('uploading'));
    const position = await currentPosition();
    const query: Record<string, string> = { file_name: photo.name || 'photo.jpg', taken_time: new Date(photo.lastModified || Date.now()).toISOString() };
    if (position) Object.assign(query, { lon: String(position.lon), lat: String(position.lat) });
    try {
      const answer = await uploadUntilAcknowledged(item.id, photo, query, () => setUpload(t('uploadRetrying')));
      setUpload(`${t('uploaded')} · ${t('sha256')} ${answer.sha256}`);
      input.value = '';
    } catch (error) {
      setUpload(explain(error));
    }
    await load();
  };

  const mayUpload = page.allowedActions.includes('resolve') || page.allowedActions.includes('arrive');
  return (
    <section class="case-page" aria-labelledby="case-title">
      <p>
        <a href="#/">{t('back')}</a>
      </p>
      <h1 id="case-title" class="case-title">
        {item.title || item.id}
      </h1>
      <dl class="facts">
        <dt>{t('status')}</dt>
        <dd data-testid="case-status">{t(`status.${item.status}`)}{item.overdue && <span class="badge overdue-badge"> ⚠ {t('overdue')}</span>}</dd>
        <dt>{t('description')}</dt>
        <dd class="case-description">{item.description}</dd>
        <dt>{t('cell')}</dt>
        <dd>
          {item.cellId || '—'} {item.cellId && <a href={`#/map/${encodeURIComponent(item.cellId)}`} data-testid="open-map">{t('map.openAtCase')}</a>}
        </dd>
        <dt>{t('assignee')}</dt>
        <dd>{item.assigneeOfficerId || '—'}</dd>
        <dt>{t('device')}</dt>
        <dd>{item.deviceMn || '—'} {item.factorCode}</dd>
        <dt>{t('deadline')}</dt>
        <dd>{formatTime(item.deadline)}</dd>
      </dl>

      {message && <p role="alert" class="error">{message}</p>}

      {page.allowedActions.length > 0 && (
        <div class="actions" aria-label={t('actions')}>
          <label>
            {t('note')}
            <textarea name="note" value={note} onInput={(event) => setNote(event.currentTarget.value)} rows={2} />
          </label>
          {page.allowedActions.some((action) => NEEDS_TARGET.has(action)) && (
            <label>
              {t('targetOfficer')}
              <input name="target" value={target} onInput={(event) => setTarget(event.currentTarget.value)} />
            </label>
          )}
          <div class="buttons">
            {page.allowedActions.map((action) => (
              <button type="button" data-action={action} disabled={busy} onClick={() => void act(action)} key={action}>
                {t(`action.${action}`)}
              </button>
            ))}
          </div>
        </div>
      )}

      {mayUpload && (
        <div class="upload">
          <label>
            {t('photo')}
            <input type="file" name="photo" accept="image/*" capture="environment" onChange={(event) => void sendPhoto(event)} />
          </label>
          {upload && <p role="status" class="upload-status">{upload}</p>}
        </div>
      )}

      <h2>{t('history')}</h2>
      <p class={page.historyCheck.intact ? 'chain ok' : 'chain broken'} data-testid="history-check">
        {page.historyCheck.intact ? `✓ ${t('historyIntact')}` : `✗ ${t('historyBroken', { n: page.historyCheck.firstBrokenSequence ?? '?' })}`} ({page.historyCheck.entries} {t('entries')})
      </p>
      <ol class="timeline">
        {page.history.map((entry) => (
          <li key={entry.sequence}>
            <span class="when">{formatTime(entry.occurredAt)}</span> <strong data-action={entry.action}>{t(`history.${entry.action}`)}</strong> {entry.toStatus ? `→ ${t(`status.${entry.toStatus}`)}` : ''} · {entry.actor}
            {entry.note && <div class="note">{entry.note}</div>}
            <div class="hash">#{entry.hash.slice(0, 16)}</div>
          </li>
        ))}
      </ol>

      <h2>{t('evidence')}</h2>
      <ul class="evidence">
        {page.evidence.map((item) => (
          <li key={item.id}>
            {item.mediaType.startsWith('image/') && <img src={`/api/cases/${encodeURIComponent(page.case.id)}/evidence/${encodeURIComponent(item.id)}`} alt={item.fileName} width={120} height={90} />}
            <div>{item.fileName || item.kind}</div>
            <div>
              {t('takenAt')}: {formatTime(item.addedAt)}
              {item.lon !== null && item.lat !== null && ` · ${t('position')} ${item.lon.toFixed(5)}, ${item.lat.toFixed(5)}`}
            </div>
            {item.sha256 && (
              <div class="sha">
                {t('sha256')}: <code>{item.sha256}</code>
              </div>
            )}
            {item.kind !== 'attachment' && item.referenceId && <div>{item.referenceId}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
