public class Solution {
    public static long solve(long x) { return "not a number"; }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
