public class Solution {
    static final int[] TABLE = new int[Integer.parseInt("not a number")];

    public static long solve(long x) { return 2 * x; }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
