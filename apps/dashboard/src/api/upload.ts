import type { DatasetManifest } from '@tusk/contracts';
import { apiErrorOf } from './api-error.js';
import { authHeaders } from './token.js';

/** `POST /datasets` as multipart, through XMLHttpRequest because fetch cannot report upload progress. */
export function uploadDataset(form: FormData, onProgress: (fraction: number) => void): Promise<DatasetManifest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/datasets');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('the upload failed: the driver could not be reached'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status text says enough */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as DatasetManifest);
      else reject(apiErrorOf(xhr.status, body, xhr.statusText));
    };
    xhr.send(form);
  });
}
