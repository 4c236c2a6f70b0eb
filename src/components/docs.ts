import { TemplateContext } from '../context';
import { render } from '../render';

/** The generated repo's README (owned by the team once written). */
export function readmeContents(context: TemplateContext): string {
  return render('README.md', context);
}
