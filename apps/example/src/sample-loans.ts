/**
 * Yesterday's changed loans as the merchant's own system would hold them (not yet in Zhima's terms).
 * Generated from a seed so that every run of the demo sends the same data: with real data, this is the
 * query against your loan database for rows changed on `day`.
 *
 * @example
 * ```ts
 * const [row]: LoanRow[] = sampleLoans({ day: '2025-03-01', count: 1 });
 * ```
 */
export interface LoanRow {
  loanId: string;
  borrowerName: string;
  /** An 18-character PRC resident ID number (a few sample rows carry a mistyped check character). */
  borrowerIdNumber: string;
  status: 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'DISBURSED';
  principalCents: number;
  /** The instalment month this row reports, `yyyy-MM`. */
  instalmentMonth: string;
  overdueSince: string | undefined;
  overdueDays: number;
  overdueCents: number;
  lastPaidAt: string | undefined;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'];
// District codes of real places (朝阳, 徐汇, 南山, 西湖, 武侯, 江汉), as the first six ID digits.
const AREAS = ['110105', '310104', '440305', '330106', '510107', '420103'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * ISO 7064 MOD 11-2, the 18th character of a PRC ID number.
 *
 * @example
 * ```ts
 * idCheckCharacter('11010519491231002'); // 'X'
 * ```
 */
export function idCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, digit, k) => total + Number(digit) * WEIGHTS[k]!, 0);
  return '10X98765432'[sum % 11]!;
}

// Real exports hold the odd mistyped ID number; one row in this many gets a wrong check character.
const DEFECT_EVERY = 997;

function wrongCheckCharacter(first17: string): string {
  const right = idCheckCharacter(first17);
  return right === '0' ? '1' : '0';
}

// xorshift32: a tiny seeded generator, so the sample is the same on every run.
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * `count` loans that changed on `day` (`yyyy-MM-dd`), with consistent amounts and valid ID numbers but
 * for one row in 997, whose check character is mistyped (so the demo shows a record held back).
 *
 * @example
 * ```ts
 * const rows = sampleLoans({ day: '2025-03-01', count: 20_000 });
 * ```
 */
export function sampleLoans({ day, count, seed = 20240101 }: { day: string; count: number; seed?: number }): LoanRow[] {
  const random = seededRandom(seed);
  const month = day.slice(0, 7);
  return Array.from({ length: count }, (_, index) => {
    const birth = `${1960 + random(40)}${pad(1 + random(12), 2)}${pad(1 + random(28), 2)}`;
    const first17 = `${AREAS[random(AREAS.length)]}${birth}${pad(random(1000), 3)}`;
    const status = (['DISBURSED', 'DISBURSED', 'DISBURSED', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const)[random(6)]!;
    const principalCents = (5 + random(300)) * 100_000;
    const overdueDays = status === 'DISBURSED' && random(5) === 0 ? 1 + random(90) : 0;
    return {
      loanId: `LN${day.replaceAll('-', '')}${pad(index + 1, 7)}`,
      borrowerName: `${SURNAMES[random(SURNAMES.length)]}${GIVEN[random(GIVEN.length)]}${random(2) === 0 ? GIVEN[random(GIVEN.length)] : ''}`,
      borrowerIdNumber: `${first17}${(index + 1) % DEFECT_EVERY === 0 ? wrongCheckCharacter(first17) : idCheckCharacter(first17)}`,
      status,
      principalCents,
      instalmentMonth: month,
      overdueSince: overdueDays > 0 ? `${month}-${pad(1 + random(28), 2)}` : undefined,
      overdueDays,
      overdueCents: overdueDays > 0 ? Math.round(principalCents / 12) : 0,
      lastPaidAt: status === 'DISBURSED' && overdueDays === 0 ? `${day} ${pad(random(24), 2)}:${pad(random(60), 2)}:${pad(random(60), 2)}` : undefined,
    };
  });
}
