import java.util.ArrayList;
import java.util.List;

public class Solution {
    public static long solve(long x) {
        List<long[]> hog = new ArrayList<>();
        while (true) { hog.add(new long[1 << 20]); }
    }

    public static void solvePrint(long x) { System.out.println(solve(x)); }
}
