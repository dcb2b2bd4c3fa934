public class Solution {
    public static long solve(long x) {
        long n = 0;
        while (x >= 0) { n++; }
        return n;
    }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
