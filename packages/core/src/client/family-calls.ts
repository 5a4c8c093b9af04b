// The calls of the feedback family beyond batch feedback, behind one lazily loaded module: a nightly
// batch-feedback job never loads them.
export { closeloopDataUploadCall } from './closeloop-data-upload.js';
export { singleDataUploadCall } from './single-data-upload.js';
export { dataUploadInitializeCall, feedbackUrlQueryCall } from './template-queries.js';
