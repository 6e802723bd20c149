import { createContext, useContext } from 'react';
import { MlflowClient } from '../api/mlflow-client.js';

/** The API client, given once at the root (tests or a base path can give another). */
export const ClientContext = createContext<MlflowClient>(new MlflowClient());

export function useClient(): MlflowClient {
  return useContext(ClientContext);
}
