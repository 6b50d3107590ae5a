import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import type { ReactElement } from "react";
import { afterEach, vi } from "vitest";

export { errorResponse, type MockResponse, mockFetch, type RecordedCall } from "./mock-fetch.ts";

// every catalogue at once, as the server has them: a test in French need not wait for French
import "@scripts-email/i18n";
import { setApiLanguage, setCsrfToken } from "../lib/api-client.ts";
import { I18nProvider, type Locale, STORAGE_KEY } from "../lib/i18n.tsx";

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Number.POSITIVE_INFINITY },
      mutations: { retry: false },
    },
  });
}

export function renderWithProviders(
  ui: ReactElement,
  options: { locale?: Locale; queryClient?: QueryClient } = {},
) {
  if (options.locale) localStorage.setItem(STORAGE_KEY, options.locale);
  const queryClient = options.queryClient ?? createTestQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>{ui}</I18nProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setApiLanguage(null);
  globalThis.localStorage?.clear();
});
