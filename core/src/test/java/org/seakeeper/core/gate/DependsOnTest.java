package org.seakeeper.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DependsOnTest {
  static final String ID = "I" + "0123456789abcdef0123456789abcdef01234567";

  @Test
  void reads_every_url_form_and_a_bare_change_id_from_the_footers() {
    String msg =
        "Add the thing\n\nLonger text.\nDepends-On: not-a-footer-here-because-body\n\n"
            + "Depends-On: https://review.example.org/c/org/lib/+/123\n"
            + "depends-on: https://review.example.org/#/c/45/\n"
            + "Depends-On: http://localhost:8080/67\n"
            + "Depends-On: "
            + ID
            + "\n"
            + "Change-Id: I1111111111111111111111111111111111111111\n";
    DependsOn.Parsed p = DependsOn.parse(msg);
    assertThat(p.problems()).isEmpty();
    assertThat(p.refs()).extracting(DependsOn.Ref::change).containsExactly("123", "45", "67", ID);
    assertThat(p.refs().get(0).host()).contains("review.example.org");
    assertThat(p.refs().get(0).project()).contains("org/lib");
    assertThat(p.refs().get(1).project()).isEmpty();
    assertThat(p.refs().get(2).host()).contains("localhost:8080");
    assertThat(p.refs().get(3).byChangeId()).isTrue();
  }

  @Test
  void a_value_that_is_neither_form_is_a_problem_naming_it_and_duplicates_count_once() {
    DependsOn.Parsed p =
        DependsOn.parse(
            "x\n\n"
                + "Depends-On: change 12 please\n"
                + "Depends-On: https://h/1\n"
                + "Depends-On: https://h/1\n");
    assertThat(p.refs()).hasSize(1);
    assertThat(p.problems()).singleElement().asString().contains("change 12 please");
  }

  @Test
  void a_message_without_footers_has_none() {
    assertThat(DependsOn.parse("just a subject").refs()).isEmpty();
    assertThat(DependsOn.parse("").refs()).isEmpty();
    assertThat(DependsOn.value("ftp://h/1")).isEmpty();
    assertThat(DependsOn.value("https://h/c/p/+/12/3").map(DependsOn.Ref::change)).contains("12");
    assertThat(DependsOn.value("https://h/#/c/p/+/9").map(DependsOn.Ref::project))
        .contains(Optional.of("p"));
  }

  @Test
  void a_cycle_is_named_node_by_node_and_an_acyclic_graph_is_ordered_dependencies_first() {
    DependencyGraph<String> g =
        new DependencyGraph<String>().depends("A", "B").depends("B", "C").depends("C", "A");
    assertThat(g.cycle()).contains(List.of("A", "B", "C", "A"));
    DependencyGraph<String> ok =
        new DependencyGraph<String>().depends("A", "B").depends("A", "C").depends("B", "C");
    assertThat(ok.cycle()).isEmpty();
    assertThat(ok.orderFrom("A")).containsExactly("C", "B");
    assertThat(new DependencyGraph<String>().depends("A", "A").cycle()).contains(List.of("A", "A"));
  }
}
