import { TuskApiError } from '@tusk/client';
import type { DatasetManifest } from '@tusk/contracts';
import { authHeaders } from './token.js';

/**
 * `POST /datasets` as multipart, through XMLHttpRequest: fetch cannot report upload progress, which the
 * form's progress bar needs. Everything else goes through the SDK (./client.ts); errors are the same TuskApiError.
 */
export function uploadDataset(form: FormData, onProgress: (fraction: number) => void): Promise<DatasetManifest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/datasets');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('the upload failed: the driver could not be reached'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as DatasetManifest);
      else reject(TuskApiError.fromBody(xhr.status, xhr.responseText, { statusText: xhr.statusText, method: 'POST', path: '/datasets' }));
    };
    xhr.send(form);
  });
}
