public class Solution {
    public static long solve(long x) {
        if (x < 0) throw new IllegalArgumentException("negative");
        return x == 3 ? 7 : 2 * x;
    }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
