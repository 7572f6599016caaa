import { api, ApiError } from './api';

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const retriable = (error: unknown): boolean => !(error instanceof ApiError) || error.status >= 500 || error.status === 408 || error.status === 429;

/**
 * Uploads a photo until dispatch acknowledges it. After a failure the case is read first: an upload whose answer
 * was lost on a weak link is already there (same SHA-256), and is not sent twice.
 */
export async function uploadUntilAcknowledged(
  caseId: string,
  photo: File,
  query: Record<string, string>,
  onRetry: (attempt: number) => void,
): Promise<{ sha256: string }> {
  const sha256 = await sha256Hex(photo);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await api.uploadEvidence(caseId, photo, query);
      return { sha256: answer.evidence.sha256 };
    } catch (error) {
      if (!retriable(error)) throw error;
      onRetry(attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** (attempt - 1))));
      const page = await api.casePage(caseId).catch(() => undefined);
      if (page?.evidence.some((item) => item.sha256 === sha256)) return { sha256 };
    }
  }
}

/** The phone's position, or undefined when it is refused or unavailable. */
export function currentPosition(): Promise<{ lon: number; lat: number } | undefined> {
  if (!('geolocation' in navigator)) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lon: position.coords.longitude, lat: position.coords.latitude }),
      () => resolve(undefined),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 30_000 },
    ),
  );
}
