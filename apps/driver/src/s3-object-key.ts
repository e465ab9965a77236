/** A relative object key a request may name: no leading slash, no empty or `..` segment, no scheme. */
export const S3_OBJECT_KEY = /^(?!\/)(?!.*\/\/)(?!.*\.\.)[A-Za-z0-9!_.*'()/-]{1,512}$/;
