// The consumer's sign + verify round trip and small validation, given the packages however the caller
// loaded them (ESM import or CommonJS require). node:crypto checks our signature independently.
module.exports = async function roundTrip({ core, validator, nodeCrypto }) {
  const { generateKeyPair, signContent, verifySignature, verifyResponse } = core;
  const pair = await generateKeyPair();
  const content = 'app_id=2021000000000001&biz_content={"a":"芝麻"}&charset=utf-8&method=zhima.data.batch.feedback&sign_type=RSA2&timestamp=2024-01-02 03:04:05&version=1.0';
  const signature = await signContent({ content, privateKey: pair.privateKeyPkcs1Pem, signType: 'RSA2', charset: 'utf-8' });
  const verified = await verifySignature({ content, signature, publicKey: pair.publicKeyBase64, signType: 'RSA2' });
  const tamperedVerified = await verifySignature({ content: `${content}&x=1`, signature, publicKey: pair.publicKeyBase64, signType: 'RSA2' });
  const nodeAgrees = nodeCrypto.verify('sha256', Buffer.from(content, 'utf8'), pair.publicKeyPem, Buffer.from(signature, 'base64'));

  // A gateway answer signed over its node text with node:crypto, checked by verifyResponse.
  const node = '{"code":"10000","msg":"Success"}';
  const answerSign = nodeCrypto.sign('sha256', Buffer.from(node, 'utf8'), pair.privateKeyPkcs8Pem).toString('base64');
  const answer = `{"zhima_data_batch_feedback_response":${node},"sign":"${answerSign}"}`;
  const response = await verifyResponse({ body: answer, method: 'zhima.data.batch.feedback', alipayPublicKey: pair.publicKeyPem });

  const file = new TextEncoder().encode(JSON.stringify({ records: [{ order_no: 'LN1', pay_month: '2025-01' }, { order_no: 'LN1', pay_month: '2025-01' }] }));
  const report = await validator.validateRecords({ input: file, columns: 'order_no,pay_month', primaryKeyColumns: 'order_no,pay_month', records: 2 });
  return {
    verified,
    tamperedVerified,
    nodeAgrees,
    responseVerified: response.verified,
    responseCode: response.response.code,
    validationOk: report.ok,
    recordCount: report.recordCount,
    issueCodes: report.issues.map((issue) => issue.code),
  };
};
