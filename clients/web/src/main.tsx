import { render } from 'preact';
import { App } from './app';
import { registerServiceWorker } from './pwa/register';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
if (import.meta.env.PROD) registerServiceWorker();
