import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MlflowClient } from './api/mlflow-client.js';
import { RegistryClient } from './api/registry-client.js';
import { App } from './app.js';
import { basePath } from './lib/base-path.js';
import { ClientContext } from './lib/use-client.js';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ClientContext.Provider value={{ mlflow: new MlflowClient(basePath()), registry: new RegistryClient(basePath()) }}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);
