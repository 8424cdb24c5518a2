import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { SECURITY_HEADERS, securityHeaders } from './http-edge.js';

const response = () => new ServerResponse(new IncomingMessage(new Socket()));

describe('securityHeaders', () => {
  it('sets exactly what helmet sets, in the same order, from headers recorded once', () => {
    const ours = response();
    const helmets = response();
    ours.setHeader('X-Powered-By', 'something');
    helmets.setHeader('X-Powered-By', 'something');
    let called = 0;
    securityHeaders({
      header: (name, value) => ours.setHeader(name, value),
      removeHeader: (name) => ours.removeHeader(name),
    });
    helmet(SECURITY_HEADERS)(helmets.req, helmets, () => called++);
    expect(called).toBe(1);
    expect(ours.getHeaderNames()).toEqual(helmets.getHeaderNames());
    expect(ours.getHeaders()).toEqual(helmets.getHeaders());
    expect(ours.getHeader('x-powered-by')).toBeUndefined();
    expect(ours.getHeader('content-security-policy')).toContain("default-src 'self'");
    expect(ours.getHeader('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });
});
