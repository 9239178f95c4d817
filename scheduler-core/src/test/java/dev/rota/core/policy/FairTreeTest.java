package dev.rota.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairTreeTest {

    /** root > lab (shares 3) > {vision, speech}; root > physics (shares 1); users a..e. */
    private static Policy policy() throws Exception {
        return PolicyFile.parse("""
                Account=lab Shares=3
                Account=vision Parent=lab
                Account=speech Parent=lab
                Account=physics Shares=1
                User=a Account=vision
                User=b Account=vision
                User=c Account=speech
                User=d Account=physics
                User=e Account=physics
                """, "tree");
    }

    private static UsageKey k(String account, String user) {
        return new UsageKey(account, user);
    }

    @Test
    void with_no_usage_everyone_ties_at_the_top() throws Exception {
        FairTree t = FairTree.compute(policy(), Map.of(), List.of());
        for (String[] u : new String[][] {{"vision", "a"}, {"vision", "b"}, {"speech", "c"}, {"physics", "d"}}) {
            assertThat(t.factor(k(u[0], u[1]))).as(u[1]).isEqualTo(1.0);
        }
    }

    @Test
    void users_of_an_under_served_account_rank_above_every_user_of_an_over_served_one() throws Exception {
        // lab has 3/4 of the shares but 90% of the usage: physics is under-served
        Map<String, Double> none = Map.of();
        FairTree t = FairTree.compute(policy(), Map.of(k("vision", "a"), 900.0, k("physics", "d"), 100.0), List.of());

        double worstPhysics = Math.min(t.factor(k("physics", "d")), t.factor(k("physics", "e")));
        for (UsageKey lab : List.of(k("vision", "a"), k("vision", "b"), k("speech", "c"))) {
            assertThat(t.factor(lab)).as(lab.toString()).isLessThan(worstPhysics);
        }
        assertThat(none).isEmpty();
    }

    @Test
    void shares_count_against_usage_level_fairness_is_shares_over_usage() throws Exception {
        // lab: shares 3/4, usage 2/3 -> 1.125; physics: 1/4 and 1/3 -> 0.75: lab first
        FairTree t = FairTree.compute(policy(), Map.of(k("vision", "a"), 200.0, k("physics", "d"), 100.0), List.of());
        assertThat(t.factor(k("speech", "c"))).isGreaterThan(t.factor(k("physics", "e")));
        assertThat(t.factor(k("vision", "b"))).isGreaterThan(t.factor(k("physics", "e")));
    }

    @Test
    void what_happens_inside_one_account_does_not_reorder_another() throws Exception {
        Map<UsageKey, Double> base = Map.of(k("physics", "d"), 50.0, k("physics", "e"), 10.0, k("vision", "a"), 5.0);
        Map<UsageKey, Double> more = Map.of(k("physics", "d"), 50.0, k("physics", "e"), 10.0, k("vision", "a"), 5.0,
                k("vision", "b"), 3.0);
        FairTree before = FairTree.compute(policy(), base, List.of());
        FairTree after = FairTree.compute(policy(), more, List.of());
        assertThat(before.factor(k("physics", "e"))).isGreaterThan(before.factor(k("physics", "d")));
        assertThat(after.factor(k("physics", "e"))).isGreaterThan(after.factor(k("physics", "d")));
    }

    @Test
    void factors_run_from_one_for_the_best_down_to_one_over_n() throws Exception {
        FairTree t = FairTree.compute(policy(), Map.of(k("vision", "a"), 5.0, k("vision", "b"), 4.0,
                k("speech", "c"), 3.0, k("physics", "d"), 2.0, k("physics", "e"), 1.0), List.of());
        List<Double> all = List.of(t.factor(k("vision", "a")), t.factor(k("vision", "b")), t.factor(k("speech", "c")),
                t.factor(k("physics", "d")), t.factor(k("physics", "e")));
        assertThat(all).containsExactlyInAnyOrder(1.0, 0.8, 0.6, 0.4, 0.2);
    }

    @Test
    void without_a_policy_file_any_account_is_accepted_and_ranked_beside_the_others() {
        Policy open = Policy.open("default");
        assertThat(open.resolve("u", "physics", "")).isEqualTo(new Policy.Resolution.Resolved("physics", "normal"));
        FairTree t = FairTree.compute(open, Map.of(k("physics", "u"), 100.0),
                List.of(k("physics", "u"), k("default", "v")));
        assertThat(t.factor(k("default", "v"))).isEqualTo(1.0);
        assertThat(t.factor(k("physics", "u"))).isEqualTo(0.5);
    }

    @Test
    void implicit_members_of_the_unlisted_account_are_ranked_too() {
        Policy open = Policy.open("default");
        FairTree t = FairTree.compute(open, Map.of(k("default", "heavy"), 100.0),
                List.of(k("default", "light"), k("default", "heavy")));
        assertThat(t.factor(k("default", "light"))).isEqualTo(1.0);
        assertThat(t.factor(k("default", "heavy"))).isEqualTo(0.5);
        assertThat(t.rows()).extracting(FairTree.Row::user).containsExactly("", "light", "heavy");
    }
}
