import { createContext, useContext } from 'react';
import { MlflowClient } from '../api/mlflow-client.js';
import { RegistryClient } from '../api/registry-client.js';

/** The API clients, given once at the root (tests or a base path can give others). */
export interface Clients {
  readonly mlflow: MlflowClient;
  readonly registry: RegistryClient;
}

export const ClientContext = createContext<Clients>({ mlflow: new MlflowClient(), registry: new RegistryClient() });

export function useClient(): MlflowClient {
  return useContext(ClientContext).mlflow;
}

export function useRegistryClient(): RegistryClient {
  return useContext(ClientContext).registry;
}
