import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

// Same eight checks as the C++ and Python suites.
public class SolutionTest {
    @Test
    void test_case_1() { assertEquals(2, Solution.solve(1)); }

    @Test
    void test_case_2() { assertEquals(4, Solution.solve(2)); }

    @Test
    void test_case_3() { assertEquals(6, Solution.solve(3)); }

    @Test
    void test_case_4() { assertThrows(IllegalArgumentException.class, () -> Solution.solve(-1)); }

    @Test
    void test_case_5() {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            Solution.solvePrint(5);
        } finally {
            System.setOut(saved);
        }
        assertEquals("10\n", captured.toString());
    }

    @Test
    void test_case_6() { assertEquals(0, Solution.solve(0)); }

    @Test
    void test_case_7() { assertEquals(14, Solution.solve(7)); }

    @Test
    void test_case_8() { assertEquals(200, Solution.solve(100)); }
}
