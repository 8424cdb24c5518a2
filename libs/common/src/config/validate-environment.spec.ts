import { IsIn, IsInt, IsOptional, Matches, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { EnvConfigError } from './env-config.error.js';
import { retiredVariableProblems, validateEnvironment } from './validate-environment.js';

class SampleEnvironment {
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  WORKERS = 2;

  @Matches(/^[a-z]+$/, { message: 'must be lower-case letters' })
  REGION = 'eu';

  @IsOptional()
  @IsIn(['on', 'off'], { message: 'must be on or off' })
  FEATURE?: string = undefined;
}

describe('validateEnvironment', () => {
  it('reads the variables the class declares, converts them and keeps defaults', () => {
    const config = validateEnvironment(SampleEnvironment, { WORKERS: '8', OTHER: 'ignored' });
    expect(config).toBeInstanceOf(SampleEnvironment);
    expect({ ...config }).toEqual({ WORKERS: 8, REGION: 'eu', FEATURE: undefined });
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment(SampleEnvironment, { WORKERS: '', REGION: '' })).toMatchObject({
      WORKERS: 2,
      REGION: 'eu',
    });
  });

  it('names every bad variable at once, never its value', () => {
    const attempt = () =>
      validateEnvironment(
        SampleEnvironment,
        { WORKERS: 'zero-secret-ish', REGION: 'EU-SECRET', FEATURE: 'maybe' },
        () => ['CUSTOM: must agree with WORKERS'],
      );
    expect(attempt).toThrow(EnvConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems, message, code } = error as EnvConfigError;
      expect(problems).toEqual([
        expect.stringMatching(/^WORKERS: must be/),
        'REGION: must be lower-case letters',
        'FEATURE: must be on or off',
        'CUSTOM: must agree with WORKERS',
      ]);
      expect(code).toBe(EnvConfigError.code);
      expect(EnvConfigError.code).toBe('ENV_CONFIG_INVALID');
      expect(message).not.toMatch(/zero-secret-ish|EU-SECRET|maybe/);
    }
  });
});

describe('retiredVariableProblems', () => {
  const renamed = { SHOP_API_CLIENT_SECRET: 'ORDERS_API_CLIENT_SECRET' };

  it('names a variable a rename retired that is still set, and its successor, never the value', () => {
    const problems = retiredVariableProblems({ SHOP_API_CLIENT_SECRET: 'the-old-secret' }, renamed);
    expect(problems).toEqual([
      'SHOP_API_CLIENT_SECRET: no longer read since the pair was renamed; set ORDERS_API_CLIENT_SECRET instead',
    ]);
    expect(problems.join()).not.toContain('the-old-secret');
  });

  it('says nothing when the retired variable is unset or empty', () => {
    expect(retiredVariableProblems({ ORDERS_API_CLIENT_SECRET: 'x' }, renamed)).toEqual([]);
    expect(retiredVariableProblems({ SHOP_API_CLIENT_SECRET: '' }, renamed)).toEqual([]);
  });
});
