import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, rememberCsrfToken, type User } from './api';
import { currentLanguage, setLanguage, t } from './i18n';
import { connectLive, disconnectLive } from './live';
import { LoginPage } from './login-page';
import { CaseBoard } from './case-board';
import { CaseView } from './case-page';
import { AlertsPage } from './alerts-page';
import { MyCases } from './my-cases';
import { MapPage } from './map-page';
import { AqiPage } from './aqi-page';
import { KpiPage } from './kpi-page';
import { OperationsPage } from './operations-page';
import { CreditPage } from './credit-page';
import { EmergencyPage } from './emergency-page';
import { IncidentView } from './incident-page';
import { WarningView } from './warning-page';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function Page(props: { hash: string; user: User }) {
  const caseMatch = /^#\/cases\/(.+)$/.exec(props.hash);
  if (caseMatch?.[1]) return <CaseView caseId={decodeURIComponent(caseMatch[1])} key={caseMatch[1]} />;
  if (props.hash === '#/alerts') return <AlertsPage />;
  const incidentMatch = /^#\/emergency\/incidents\/(.+)$/.exec(props.hash);
  if (incidentMatch?.[1]) return <IncidentView incidentId={decodeURIComponent(incidentMatch[1])} key={incidentMatch[1]} />;
  const warningMatch = /^#\/emergency\/warnings\/(.+)$/.exec(props.hash);
  if (warningMatch?.[1]) return <WarningView warningId={decodeURIComponent(warningMatch[1])} key={warningMatch[1]} />;
  if (props.hash === '#/emergency') return <EmergencyPage />;
  const deviceMatch = /^#\/map\/device\/(.+)$/.exec(props.hash);
  if (deviceMatch) return <MapPage focusDeviceMn={decodeURIComponent(deviceMatch[1] ?? '')} key={props.hash} />;
  const mapMatch = /^#\/map(?:\/(.+))?$/.exec(props.hash);
  if (mapMatch) return <MapPage focusCellId={mapMatch[1] ? decodeURIComponent(mapMatch[1]) : undefined} key={props.hash} />;
  if (props.hash === '#/aqi') return <AqiPage />;
  if (props.hash === '#/kpis') return <KpiPage />;
  if (props.hash === '#/credit') return <CreditPage />;
  if (props.hash === '#/operations' || props.user.role === 'operator') return <OperationsPage />;
  if (props.hash === '#/mine' || props.user.role === 'officer') return <MyCases />;
  return <CaseBoard />;
}

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [, setLanguageShown] = useState(currentLanguage());
  const hash = useHash();
  useEffect(() => {
    // The server says in the page whether the cookie holds a session; without one there is nothing to ask.
    if (document.querySelector('meta[name="ecogrid-session"]')?.getAttribute('content') !== 'active') return void setUser(null);
    api.session().then(
      (answer) => {
        rememberCsrfToken(answer.csrfToken);
        setUser(answer.user);
      },
      () => setUser(null),
    );
  }, []);
  useEffect(() => {
    if (user) connectLive();
    else disconnectLive();
  }, [user]);
  const switchLanguage = () => {
    const next = currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
    setLanguage(next);
    setLanguageShown(next);
  };
  if (user === undefined) return null;
  if (user === null) return <LoginPage onLoggedIn={setUser} />;
  const logOut = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  };
  return (
    <div class="shell">
      <header>
        <strong class="brand">{t('appTitle')}</strong>
        <nav>
          {user.role === 'officer' ? <a href="#/mine">{t('myCases')}</a> : <a href="#/">{t('board')}</a>}
          {user.role !== 'officer' && <a href="#/alerts">{t('alerts')}</a>}
          {user.role !== 'officer' && <a href="#/emergency">{t('emergency')}</a>}
          <a href="#/map">{t('map')}</a>
          <a href="#/aqi">{t('aqi')}</a>
          {['dispatcher', 'command_center', 'supervisor', 'analyst'].includes(user.role) && <a href="#/kpis">{t('kpi')}</a>}
          {user.role !== 'officer' && <a href="#/credit">{t('credit')}</a>}
          {['operator', 'admin'].includes(user.role) && <a href="#/operations">{t('ops')}</a>}
        </nav>
        <span class="who" data-testid="who">{user.displayName}</span>
        <button type="button" onClick={switchLanguage}>{t('language')}</button>
        <button type="button" onClick={() => void logOut()}>{t('logout')}</button>
      </header>
      <main>
        <Page hash={hash} user={user} />
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
