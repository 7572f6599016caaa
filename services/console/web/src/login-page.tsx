import { useState } from 'preact/hooks';
import { api, rememberCsrfToken, type User } from './api';
import { t } from './i18n';

export function LoginPage(props: { onLoggedIn: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      const answer = await api.login(username, password);
      rememberCsrfToken(answer.csrfToken);
      props.onLoggedIn(answer.user);
    } catch {
      setError(t('loginFailed'));
    }
  };
  return (
    <main class="login">
      <h1>{t('appTitle')}</h1>
      <form onSubmit={submit} aria-label={t('login')}>
        <label>
          {t('username')}
          <input name="username" autocomplete="username" value={username} onInput={(event) => setUsername(event.currentTarget.value)} required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autocomplete="current-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} required />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit">{t('login')}</button>
      </form>
    </main>
  );
}
